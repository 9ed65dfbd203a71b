// A figure's moving parts, drawn in the page (issue 15).
//
// The kernel packs every state of an overlay once (explainer/figures/frames.py): distinct SVG
// parts as skeletons with their numbers, and a table from the controls' values to a state.
// A control linked in the browser (jsdlink) sets one of this model's traits; this module then
// rebuilds that state's SVG from the pack and puts it on the page in the same animation frame,
// with no message to the kernel in between. The kernel learns the value afterwards (the
// control's own sync) and updates the words. Nothing here knows a coordinate: every number
// comes from the kernel's drawing functions, through the pack.
//
// Served by anywidget from this file's text (no other host); see docs/serving.md for the one
// Content-Security-Policy source that needs (blob: scripts).

/** The SVG text of `state` in `pack`, parts swapped for their animated form if `animated`. */
export function documentOf(pack, state, animated) {
  const swap = animated ? pack.animated || {} : {};
  let out = "";
  for (const id of pack.states[state]) {
    const part = pack.parts[swap[id] ?? id];
    const skeleton = pack.skeletons[part[0]];
    out += skeleton[0];
    for (let j = 1; j < skeleton.length; j += 1) out += part[j] + skeleton[j];
  }
  return out;
}

/** The state for the current values along the pack's axes (undefined if none). */
function stateOf(pack, valueOf) {
  let node = pack.table;
  for (const axis of pack.axes) {
    const value = valueOf(axis);
    if (node === undefined || value === null || value === undefined) return undefined;
    node = node[value];
  }
  return typeof node === "number" && node >= 0 ? node : undefined;
}

function limit(pack, valueOf, axis) {
  // The last valid index along `axis` for the values before it (e.g. impulses of a pattern).
  let node = pack.table;
  for (const a of pack.axes) {
    if (a === axis) return Array.isArray(node) ? node.length - 1 : 0;
    node = node?.[valueOf(a)];
  }
  return 0;
}

function render({ model, el }) {
  el.classList.add("kx-browser-overlay", "kx-browser-ready");
  // The kernel's layer underneath (transparent while this one draws) carries the same picture
  // with the same label to assistive technology: this copy is for the eye only.
  el.setAttribute("aria-hidden", "true");
  const holder = document.createElement("div");
  holder.className = "kx-browser-svg";
  el.appendChild(holder);
  let shown = null;
  let last = null; // [level, pattern, impulse] last drawn, for the pulse animation
  let clock = null;
  // The level shown is the page's own: the last of a linked control's move (mapped onto the
  // pack's level axis) and the kernel's word (`kernel_level`: [count, index], sent only when
  // the kernel moves the level itself, e.g. a timeline sets one off the grid: -1).
  let level = (model.get("kernel_level") || [0, 0])[1];
  let offGrid = level === -1; // the kernel's last word was a level the pack does not hold
  const valueOf = (axis) => (axis === "level" ? level : model.get(axis));

  function draw() {
    const pack = model.get("pack");
    if (!pack || !pack.states) return;
    const state = stateOf(pack, valueOf);
    if (state === undefined) {
      // Not a packed state (a level a timeline set): the kernel's layer shows it.
      holder.replaceChildren();
      shown = null;
      return;
    }
    const now = [level, model.get("pattern"), model.get("impulse")];
    const animated = Boolean(pack.animated) && last !== null && last[0] === now[0]
      && last[1] === now[1] && now[2] === last[2] + 1;
    last = now;
    const key = `${state}|${animated}|${pack.id}`;
    if (key === shown) return;
    shown = key;
    holder.innerHTML = documentOf(pack, state, animated);
  }

  // Controls linked in the page write these; map them onto the level axis.
  function fromControl(name) {
    const index = model.get(name);
    const map = model.get("pack")?.maps?.[name];
    if (!map || index === null || index === undefined || map[index] === undefined) return;
    if (map[index] >= 0) {
      level = map[index];
      offGrid = false;
      draw();
    }
  }

  function onPack() {
    // A new mode's pack names its own control: its value now is the level (unless the
    // kernel holds a level off the grid). A move made before the pack came is not lost.
    if (!offGrid) {
      for (const name of Object.keys(model.get("pack")?.maps || {})) fromControl(name);
    }
    draw();
  }

  function onPattern() {
    // A new pattern shows all its impulses (as the kernel's state does) and stops Play.
    stop();
    const pack = model.get("pack");
    if (pack && pack.axes.includes("impulse")) {
      model.set("impulse", limit(pack, valueOf, "impulse"));
      model.save_changes();
    }
  }

  function stop() {
    if (clock !== null) cancelAnimationFrame(clock);
    clock = null;
  }

  function play() {
    const pack = model.get("pack");
    if (!model.get("playing") || !pack || !pack.axes.includes("impulse")
        || stateOf(pack, valueOf) === undefined) return stop(); // the kernel's Play runs then
    const n = limit(pack, valueOf, "impulse");
    const step = model.get("step_ms");
    if (model.get("impulse") >= n) {
      model.set("impulse", 0);
      model.save_changes();
    }
    let next = performance.now() + step;
    const tick = (t) => {
      if (!model.get("playing")) return stop();
      if (t >= next) {
        next += step;
        const k = Math.min(model.get("impulse") + 1, n);
        model.set("impulse", k);
        if (k >= n) model.set("playing", false);
        model.save_changes();
        if (k >= n) return stop();
      }
      clock = requestAnimationFrame(tick);
    };
    stop();
    clock = requestAnimationFrame(tick);
  }

  // The figure's layout follows the width it is shown at (a phone, a rotation, a resize):
  // below `portrait_below` CSS px the kernel sends the portrait drawing. Measured on the
  // nearest box that is shown (a hidden view measures 0: its page's box then stands in).
  function measure() {
    let node = el;
    while (node && node.clientWidth === 0) node = node.parentElement;
    if (!node || leaving) return;
    const shape = node.clientWidth < model.get("portrait_below") ? "portrait" : "landscape";
    if (shape !== model.get("shape")) {
      model.set("shape", shape);
      model.save_changes();
    }
  }
  const resized = new ResizeObserver(() => measure());
  resized.observe(el);
  window.addEventListener("resize", measure);

  const redraw = () => draw();
  model.on("change:pack", onPack);
  model.on("change:kernel_level", () => {
    level = model.get("kernel_level")[1];
    offGrid = level === -1;
    draw();
  });
  model.on("change:impulse", redraw);
  model.on("change:cursor", redraw);
  model.on("change:pattern", () => { onPattern(); draw(); });
  model.on("change:button_level", () => fromControl("button_level"));
  model.on("change:slider_level", () => fromControl("slider_level"));
  model.on("change:playing", play);
  draw();
  // Tell the kernel the page draws, unless the page is already being left (the kernel's
  // connection closes then, and the widget manager logs a failed send as an error).
  if (!model.get("live") && !leaving) {
    model.set("live", true);
    model.save_changes();
  }
  measure();
  return () => {
    stop();
    resized.disconnect();
    window.removeEventListener("resize", measure);
  };
}

let leaving = false;
for (const event of ["beforeunload", "pagehide"]) {
  window.addEventListener(event, () => { leaving = true; });
}

export default { render };
