"""Figures drawn for the width they are shown at (issue 23), in real headless Chromium.

At 390, 768 and 1280 px: the page picks the portrait layout of the pain-signal diagram and the
session, course and routes charts on a phone and the landscape one on wider screens (and picks
again when the window is resized or turned), and the smallest word in every figure, as
rendered, is at least the page's small print (12 CSS px).

How a word's rendered size is measured:
  - SVG text (the overlays): its font size × the scale its SVG is drawn at (`getScreenCTM`);
  - raster backgrounds (matplotlib's PNGs): the smallest font size in that background's
    matplotlib figure (read here, from the same drawing code the server runs), × the scale the
    image is shown at (its shown width ÷ its width in layout px). An image the test does not
    know fails the test.

Screenshots of both pages at 390 px, and of the course and routes charts at 390 and 1280 px,
land in tests/artifacts/figures-*.png.
"""

from __future__ import annotations

import pytest

from harness.browser import VIEWPORTS, open_sized

pytestmark = pytest.mark.browser

SMALL_PRINT_PX = 12.0
PAGES = {
    "pain-signal": ("/voila/render/pain-signal.ipynb", ".kx-pain-signal .kx-browser-ready svg"),
    "timeline": ("/voila/render/treatment-timeline.ipynb", ".kx-timeline .kx-browser-ready svg"),
}
EXPECTED = {"phone": "portrait", "tablet": "landscape", "desktop": "landscape"}

def _view_button(view: str) -> str:
    from explainer.content import strings

    return strings.text("timeline", f"controls.views.{view}")


def background_min_text() -> dict[str, float]:
    """'<png width>x<png height>' -> the smallest font size (layout px) in that background,
    for every background the two pages can show, in both layouts."""
    import matplotlib.text

    from explainer.figures import pain_signal, scene
    from explainer.figures import session as tl
    from explainer.figures.geometry import SHAPES

    scenes = []
    for shape in SHAPES:
        scenes += [pain_signal.diagram_scene(shape), pain_signal.chart_scene(shape)[0]]
        scenes += [tl.session_scene(key, shape)[0] for key in tl.LAYOUTS]
    from explainer.figures import course, routes

    scenes += [*(course.course_scene(shape) for shape in SHAPES),
               *(routes.routes_scene(shape)[0] for shape in SHAPES)]
    out: dict[str, float] = {}
    for sc in scenes:
        sizes = [t.get_fontsize() * 100 / 72 for t in sc.fig.findobj(matplotlib.text.Text)
                 if t.get_visible() and t.get_text().strip()]
        key = f"{round(sc.width_px * scene.PNG_SCALE)}x{round(sc.height_px * scene.PNG_SCALE)}"
        out[key] = min(min(sizes), out.get(key, float("inf")))
    return out


_MEASURE = """(known) => {
  const shown = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const out = {svg: 1e9, svgText: null, bg: 1e9, bgImage: null, unknown: [], shapes: []};
  for (const fig of document.querySelectorAll('.kx-figure')) {
    if (!shown(fig)) continue;
    for (const t of fig.querySelectorAll('svg text')) {
      if (!t.textContent.trim() || !shown(t)) continue;
      const m = t.getScreenCTM();
      const px = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
      if (px < out.svg) { out.svg = px; out.svgText = t.textContent; }
    }
    for (const img of fig.querySelectorAll('img')) {
      if (!shown(img) || !img.naturalWidth) continue;
      const key = img.naturalWidth + 'x' + img.naturalHeight;
      out.shapes.push(img.naturalHeight > img.naturalWidth ? 'portrait' : 'landscape');
      if (!(key in known)) { out.unknown.push(key); continue; }
      const px = known[key] * img.getBoundingClientRect().width / (img.naturalWidth / 2);
      if (px < out.bg) { out.bg = px; out.bgImage = key; }
    }
  }
  return out;
}"""

_SHAPE_IS = """(want) => {
  const shape = (w, h) => (h > w ? 'portrait' : 'landscape');
  const imgs = [...document.querySelectorAll('.kx-figure img')].filter(
    (i) => i.getBoundingClientRect().width > 0 && i.naturalWidth > 0);
  const svgs = [...document.querySelectorAll('.kx-figure svg[viewBox]')].filter(
    (s) => s.getBoundingClientRect().width > 0);
  return imgs.length > 0 && svgs.length > 0
    && imgs.every((i) => shape(i.naturalWidth, i.naturalHeight) === want)
    && svgs.every((s) => shape(s.viewBox.baseVal.width, s.viewBox.baseVal.height) === want);
}"""


def _settle(page, shape: str) -> None:
    """Wait until every figure shown has taken `shape` (the kernel sends it on request)."""
    page.wait_for_function(_SHAPE_IS, arg=shape, timeout=30_000)
    page.wait_for_timeout(300)


@pytest.fixture(scope="module")
def known():
    return background_min_text()


@pytest.mark.parametrize("size", ["phone", "tablet", "desktop"])
@pytest.mark.parametrize("name", list(PAGES))
def test_figure_layout_and_smallest_text(browser, server, artifacts, known, name, size):
    path, ready = PAGES[name]
    context, watch, page = open_sized(browser, server, path, ready, size)
    try:
        _settle(page, EXPECTED[size])
        m = page.evaluate(_MEASURE, known)
        print(f"{name} at {VIEWPORTS[size][0]} px: smallest SVG text {m['svg']:.1f} px "
              f"({m['svgText']!r}), smallest background text {m['bg']:.1f} px ({m['bgImage']})")
        assert m["unknown"] == [], f"backgrounds the test cannot measure: {m['unknown']}"
        assert set(m["shapes"]) == {EXPECTED[size]}
        assert m["svg"] >= SMALL_PRINT_PX, m
        assert m["bg"] >= SMALL_PRINT_PX, m
        if size == "phone":
            page.locator(".kx-figure").first.scroll_into_view_if_needed()
            page.wait_for_timeout(300)
            page.screenshot(path=str(artifacts / f"figures-{name}-390.png"))
        if name == "pain-signal":   # the trainee's chart, too
            page.get_by_role("button", name="Trainee view").click()
            page.wait_for_selector(".kx-pain-chart .kx-figure img", state="visible")
            _settle(page, EXPECTED[size])
            m = page.evaluate(_MEASURE, known)
            print(f"trainee view at {VIEWPORTS[size][0]} px: smallest SVG text {m['svg']:.1f} "
                  f"px ({m['svgText']!r}), smallest background text {m['bg']:.1f} px "
                  f"({m['bgImage']})")
            assert m["unknown"] == [] and set(m["shapes"]) == {EXPECTED[size]}, m
            assert m["svg"] >= SMALL_PRINT_PX and m["bg"] >= SMALL_PRINT_PX, m
        if name == "timeline":      # the course and routes charts, too
            for view, shown in (("course", ".kx-timeline-course"),
                                ("routes", ".kx-timeline-routes-view")):
                page.get_by_role("button", name=_view_button(view)).click()
                page.wait_for_selector(f"{shown} .kx-figure img, {shown}.kx-figure img",
                                       state="visible")
                _settle(page, EXPECTED[size])
                m = page.evaluate(_MEASURE, known)
                print(f"{view} at {VIEWPORTS[size][0]} px: smallest SVG text {m['svg']:.1f} "
                      f"px ({m['svgText']!r}), smallest background text {m['bg']:.1f} px "
                      f"({m['bgImage']})")
                assert m["unknown"] == [] and set(m["shapes"]) == {EXPECTED[size]}, m
                assert m["svg"] >= SMALL_PRINT_PX and m["bg"] >= SMALL_PRINT_PX, m
                if size in ("phone", "desktop"):
                    page.locator(shown).scroll_into_view_if_needed()
                    page.wait_for_timeout(300)
                    page.screenshot(path=str(
                        artifacts / f"figures-{view}-{VIEWPORTS[size][0]}.png"))
        watch.assert_clean()
    finally:
        context.close()


def test_layout_is_chosen_again_on_resize(browser, server):
    path, ready = PAGES["pain-signal"]
    context, watch, page = open_sized(browser, server, path, ready, "desktop")
    try:
        _settle(page, "landscape")
        page.set_viewport_size({"width": 390, "height": 844})      # a phone, or a narrow window
        _settle(page, "portrait")
        page.set_viewport_size({"width": 844, "height": 390})      # the phone turned
        _settle(page, "landscape")
        m = page.evaluate(_MEASURE, background_min_text())
        assert m["svg"] >= SMALL_PRINT_PX and m["bg"] >= SMALL_PRINT_PX, m
        # the picture the page draws still follows the controls after the swap
        before = page.inner_html(".kx-pain-signal .kx-browser-svg")
        page.get_by_role("button", name="Anaesthetic").click()
        page.wait_for_function(
            "(old) => document.querySelector('.kx-pain-signal .kx-browser-svg').innerHTML"
            " !== old", arg=before, timeout=10_000)
        watch.assert_clean()
    finally:
        context.close()


def test_a_figure_has_its_shape_before_its_picture_arrives(browser, server):
    """The backgrounds are held back: every figure is already as tall as its picture will be,
    with its overlays on it, so nothing jumps when a slow network brings the PNG."""
    path, ready = PAGES["timeline"]
    width, height = VIEWPORTS["desktop"]
    context = browser.new_context(viewport={"width": width, "height": height})
    held = []
    context.route("**/kx-backgrounds/**", lambda route: held.append(route))
    try:
        page = context.new_page()
        page.goto(server.url + path, wait_until="domcontentloaded")
        page.wait_for_selector(ready, timeout=90_000)
        boxes = page.evaluate("""() => [...document.querySelectorAll('.kx-figure')]
            .filter(f => f.offsetParent !== null).map(f => {
              const img = f.querySelector('img').getBoundingClientRect();
              return {complete: f.querySelector('img').naturalWidth > 0,
                      w: +f.querySelector('img').getAttribute('width'),
                      h: +f.querySelector('img').getAttribute('height'),
                      img: [img.width, img.height],
                      svgs: [...f.querySelectorAll('.kx-figure-overlay svg')].map(s => {
                        const b = s.getBoundingClientRect(); return [b.width, b.height]; })};
            })""")
        assert held and boxes, (held, boxes)
        for box in boxes:
            assert not box["complete"], box            # the picture really is still away
            shown_w, shown_h = box["img"]
            assert shown_w > 300 and abs(shown_h - shown_w * box["h"] / box["w"]) <= 1.5, box
            for svg_w, svg_h in box["svgs"]:
                assert abs(svg_w - shown_w) <= 1.5 and abs(svg_h - shown_h) <= 1.5, box
    finally:
        for route in held:
            route.continue_()
        context.close()
