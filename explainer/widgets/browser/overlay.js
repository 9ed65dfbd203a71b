// A figure's moving parts, drawn in the page (issue 15).
//
// The kernel packs every state of an overlay once (explainer/figures/frames.py): distinct SVG
// parts as skeletons with their numbers, and a table from the controls' values to a state.
// A control linked in the browser (jsdlink) sets one of this model's traits; this module then
// rebuilds that state's SVG from the pack and puts it on the page in the same animation frame,
// with no message to the kernel in between. The words come the same way (issue 26): the pack
// holds the describer's text for each state, written by the kernel's own describer functions;
// this module puts them in the describer widgets named by `words_to` (their models, in the
// page: their views show the text at once) in the same frame as the picture. The kernel learns
// the value afterwards (the control's own sync) and does not send those words again, so a live
// region's text changes once per change of words. Nothing here knows a coordinate or a word:
// every number and sentence comes from the kernel's functions, through the pack.
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

/** The HTML of the words for the current values (undefined if the pack holds none). */
export function wordsOf(pack, valueOf) {
  const words = pack.words;
  if (!words) return undefined;
  const state = stateOf({ table: words.table, axes: pack.axes }, valueOf);
  return state === undefined ? undefined : documentOf(words, state, false);
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

  // The describer widgets the words go to (`words_to`: name -> widget reference), found in the
  // page's widget manager. "describer" follows every state; "announcer" (a live region of its
  // own, if the widget has one) too, but while Play runs it says only its start and its end.
  const speakers = {};
  const refs = model.get("words_to") || {};
  Promise.all(Object.entries(refs).map(async ([name, ref]) => {
    speakers[name] = await model.widget_manager.get_model(String(ref).replace(/^IPY_MODEL_/, ""));
  })).then(() => speak(), () => {}); // a missing widget: the kernel's words stay

  function say(name, html) {
    const target = speakers[name];
    // Setting the model's value in the page, not saved: its view shows it now; the same value
    // from the kernel later is no change, so nothing is re-rendered or re-announced.
    if (target && html !== undefined && target.get("value") !== html) target.set("value", html);
  }

  function speak() {
    const pack = model.get("pack");
    if (!pack || !pack.words) return;
    const html = wordsOf(pack, valueOf);
    say("describer", html);
    if (!model.get("playing")) say("announcer", html);
  }

  function draw() {
    const pack = model.get("pack");
    if (!pack || !pack.states) return;
    const state = stateOf(pack, valueOf);
    if (state === undefined) {
      // Not a packed state (a level a timeline set): the kernel's layer and words show it.
      holder.replaceChildren();
      shown = null;
      return;
    }
    const now = [level, model.get("pattern"), model.get("impulse")];
    const animated = Boolean(pack.animated) && last !== null && last[0] === now[0]
      && last[1] === now[1] && now[2] === last[2] + 1;
    last = now;
    const key = `${state}|${animated}|${pack.id}`;
    if (key !== shown) {
      shown = key;
      holder.innerHTML = documentOf(pack, state, animated);
    }
    speak();
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
        || stateOf(pack, valueOf) === undefined) {
      if (!model.get("playing")) speak(); // Play's end: the live region says where it ended
      return stop(); // (or, off the grid, the kernel's Play runs)
    }
    const starts = pack.words?.play_start;
    if (starts) say("announcer", documentOf(pack.words, starts[model.get("pattern")], false));
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
    if (!node || leavingNow()) return;
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
  if (!model.get("live") && !leavingNow()) {
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

// Set by the page's head script (connection.js) from the page's first moment, so a page left
// before this module even loaded is known as left; the module's own listener covers a page
// without that script (JupyterLab).
let leavingHere = false;
for (const event of ["beforeunload", "pagehide"]) {
  window.addEventListener(event, () => { leavingHere = true; });
}
const leavingNow = () => leavingHere || window.kxLeaving === true;

export default { render };
