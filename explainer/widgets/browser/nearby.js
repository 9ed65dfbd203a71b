// Says once, to the kernel, that a part of the page has come near the screen (issue 26): the
// kernel then builds what that part holds, so an arrival builds only its first screen.
//
// Near: within half a screen of the part of the page that shows, in the box that scrolls
// (Voilà's page scrolls inside a box of its own, #rendered_cells, and an observer's margin
// applies to its root only), for a quarter of a second (while the page is still being laid
// out, the mark can pass through the screen on its way down). A hidden part (another view
// shows) is never near. Without IntersectionObserver the part is built at once. The element
// itself is empty and hidden from assistive technology: the part's own button, next to it, is
// how a keyboard or a page without this module asks.
//
// Focus is kept: if it was on the button when the part replaced it (a keyboard user tabbed to
// it, which scrolled it near), it moves to the part's box, so the next Tab goes on into the part
// and not back to the top of the page.

const SETTLE_MS = 250;

function scroller(el) {
  const page = el.closest("#rendered_cells");
  if (page) return page;
  for (let node = el.parentElement; node; node = node.parentElement) {
    const overflow = getComputedStyle(node).overflowY;
    if ((overflow === "auto" || overflow === "scroll") && node.scrollHeight > node.clientHeight) {
      return node;
    }
  }
  return null;
}

function render({ model, el }) {
  el.classList.add("kx-nearby");
  el.setAttribute("aria-hidden", "true");
  const say = () => {
    if (!model.get("near") && !leavingNow()) {
      model.set("near", true);
      model.save_changes();
    }
  };
  if (typeof IntersectionObserver !== "function") {
    say();
    return undefined;
  }
  let watch = null;
  let settle = null;
  let box = null;
  let focusWasIn = false; // on the button beside this mark, and not moved on to elsewhere
  const onIn = () => { focusWasIn = true; };
  const onOut = (event) => {
    // a removed button takes the focus with it (no element to go to): that is not a move on
    if (event.relatedTarget && !box.contains(event.relatedTarget)) focusWasIn = false;
  };
  const start = () => {
    box = el.closest(".kx-deferred");
    if (box) {
      box.addEventListener("focusin", onIn);
      box.addEventListener("focusout", onOut);
    }
    watch = new IntersectionObserver((entries) => {
      // near for a moment, not just while the page above is still being laid out (its
      // widgets appear one by one, so the mark can pass through the screen on arrival)
      clearTimeout(settle);
      if (entries[entries.length - 1].isIntersecting) {
        settle = setTimeout(() => { watch.disconnect(); say(); }, SETTLE_MS);
      }
    }, { root: scroller(el), rootMargin: "50% 0px 50% 0px" });
    watch.observe(el);
  };
  // the element is placed in the page after render returns: find its scrolling box then
  requestAnimationFrame(start);
  return () => {
    // the part has replaced this mark and its button (or the page is going)
    clearTimeout(settle);
    if (watch) watch.disconnect();
    if (!box) return;
    box.removeEventListener("focusin", onIn);
    box.removeEventListener("focusout", onOut);
    if (!focusWasIn || leavingNow()) return;
    requestAnimationFrame(() => {
      const now = document.activeElement;
      if (now === null || now === document.body) {
        box.setAttribute("tabindex", "-1");
        box.focus({ preventScroll: true });
      }
    });
  };
}

// Set by the page's head script (connection.js) once the page is being left: nothing is said
// to a kernel whose connection is closing.
const leavingNow = () => window.kxLeaving === true;

export default { render };
