// Accessibility glue for the widgets Voilà renders (no network, no dependencies):
// - figure descriptions become polite live regions, so screen readers announce changes (not
//   those marked kx-describer-quiet: their widget announces for itself);
// - controls get an accessible name from their visible widget label;
// - toggle buttons expose their state (aria-pressed), not only a colour;
// - decorative figure backgrounds get an empty alt (the overlay and describer carry meaning);
// - links between the explainer's pages open in the same tab (JupyterLab's renderer adds
//   target="_blank" to every link, which would open a second page and a second kernel);
// - a table or box that scrolls sideways (wide tables at phone width) can take keyboard focus,
//   so keyboard users can scroll it too (axe "scrollable-region-focusable"); it is named by
//   its caption, and gives the focus up again when the window is wide enough.
// - a study page's table (markdown or study.table) can reflow into stacked rows on a phone
//   (explainer.css, class kx-reflow): each cell carries its column's header as data-kx-label,
//   and the table keeps its table roles (ARIA) when the stylesheet lays it out as blocks;
// - self-check answer groups are named after their question.
// - a slider's readout ("1 h 30 min") is words, not a text box: it is not a tab stop, and the
//   slider's handle speaks the same words (aria-valuetext), not its index;
// - Back or Next in the walkthrough brings the new step's heading to the top of the window and
//   moves focus to its title (tabindex=-1, explainer.widgets.walkthrough_text.heading_html).
// - a new handout link (a.kx-download, a data: URL built in the kernel) is clicked once, so
//   "Make a handout" downloads the PDF in one click (explainer/widgets/handout.py).
(function () {
  "use strict";
  // (ipywidgets writes a zero-width space into an empty label: that is no name)
  function text(el) {
    return (el && el.textContent || "").replace(/\u200b/g, "").replace(/\s+/g, " ").trim();
  }

  function patch(root) {
    root.querySelectorAll(".kx-describer:not(.kx-describer-quiet) .widget-html-content:not([aria-live])")
      .forEach(function (el) {
        el.setAttribute("aria-live", "polite");
        el.setAttribute("role", "status");
      });
    root.querySelectorAll(".kx-figure img:not([alt])").forEach(function (img) {
      img.setAttribute("alt", "");
    });
    root.querySelectorAll(".widget-inline-hbox, .widget-toggle-buttons, .jupyter-widgets.widget-play")
      .forEach(function (box) {
        var label = box.querySelector(":scope > .widget-label");
        var name = text(label);
        if (!name) { return; }
        name = name.replace(/:$/, "");
        if (box.classList.contains("widget-toggle-buttons")) {
          box.setAttribute("role", "group");
          box.setAttribute("aria-label", name);
          return;
        }
        box.querySelectorAll("input, select, textarea, .noUi-handle, [role=slider]").forEach(function (c) {
          if (!c.getAttribute("aria-label")) { c.setAttribute("aria-label", name); }
        });
      });
    root.querySelectorAll(".widget-toggle-buttons button, .widget-toggle-button").forEach(function (b) {
      var pressed = b.classList.contains("mod-active") ? "true" : "false";
      if (b.getAttribute("aria-pressed") !== pressed) { b.setAttribute("aria-pressed", pressed); }
    });
    root.querySelectorAll("a[target=_blank]").forEach(function (a) {
      if (a.origin === window.location.origin) { a.removeAttribute("target"); }
    });
    // Self-check: each group of answer buttons is named after its question.
    root.querySelectorAll(".kx-quiz-question").forEach(function (q) {
      var group = q.querySelector(".kx-quiz-choices");
      var prompt = text(q.querySelector(".kx-quiz-prompt"));
      if (group && prompt && group.getAttribute("aria-label") !== prompt) {
        group.setAttribute("role", "group");
        group.setAttribute("aria-label", prompt);
      }
    });
    root.querySelectorAll("a.kx-download[data-kx-auto]:not([data-kx-clicked])").forEach(function (a) {
      a.setAttribute("data-kx-clicked", "1");
      a.click();
    });
    root.querySelectorAll("button.jupyter-button:not([aria-label])").forEach(function (b) {
      if (!text(b) && b.title) { b.setAttribute("aria-label", b.title); }
    });
    root.querySelectorAll(".widget-slider").forEach(function (slider) {
      var readout = slider.querySelector(".widget-readout");
      if (!readout) { return; }
      if (readout.getAttribute("contenteditable") !== "false") {
        readout.setAttribute("contenteditable", "false");
      }
      var words = text(readout);
      slider.querySelectorAll("[role=slider]").forEach(function (handle) {
        if (words && handle.getAttribute("aria-valuetext") !== words) {
          handle.setAttribute("aria-valuetext", words);
        }
      });
    });
    reflowables(root);
    scrollables(root);
    landStep();
  }

  // Back / Next: remember the title on screen when one is pressed (mouse, Enter or Space all
  // click); when the title has changed, the new step's heading is brought to the top and its
  // title takes focus. For a moment after that, the heading is kept there while the step's
  // parts arrive (a note above it may close).
  var stepMove = null;
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".kx-wt-nav button");
    if (button) {
      stepMove = { from: text(document.querySelector(".kx-wt-title")), at: Date.now(), landed: 0 };
    }
  }, true);

  function landStep() {
    if (!stepMove) { return; }
    var now = Date.now();
    var title = document.querySelector(".kx-wt-title");
    if (!stepMove.landed) {
      if (now - stepMove.at > 15000) { stepMove = null; return; }
      if (!title || text(title) === stepMove.from) { return; }
      stepMove.landed = now;
      title.focus({ preventScroll: true });
    } else if (now - stepMove.landed > 1500) {
      stepMove = null;
      return;
    }
    var heading = title && (title.closest(".kx-wt-heading") || title);
    if (heading && Math.abs(heading.getBoundingClientRect().top) > 1) {
      heading.scrollIntoView({ block: "start" });
    }
    if (stepMove.landed) { window.setTimeout(schedule, 100); }  // keep it there a moment
  }

  function reflowables(root) {
    root.querySelectorAll("#rendered_cells .jp-RenderedMarkdown table:not(.kx-reflow), " +
                          "#rendered_cells table.kx-study-table:not(.kx-reflow)").forEach(function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), text);
      table.classList.add("kx-reflow");
      table.setAttribute("role", "table");
      table.querySelectorAll("thead, tbody").forEach(function (g) { g.setAttribute("role", "rowgroup"); });
      table.querySelectorAll("tr").forEach(function (tr) {
        tr.setAttribute("role", "row");
        Array.prototype.forEach.call(tr.children, function (cell, i) {
          var head = cell.tagName === "TH";
          var scope = cell.getAttribute("scope");
          cell.setAttribute("role", !head ? "cell" : (scope === "row" ? "rowheader" : "columnheader"));
          if (tr.parentElement.tagName !== "THEAD" && heads[i]) {
            cell.setAttribute("data-kx-label", heads[i]);
          }
        });
      });
    });
  }

  function scrollables(root) {
    root.querySelectorAll("#rendered_cells table, .kx-routes-table").forEach(function (el) {
      var style = window.getComputedStyle(el);
      var scrolls = (style.overflowX === "auto" || style.overflowX === "scroll") &&
        el.scrollWidth > el.clientWidth + 1;
      var marked = el.classList.contains("kx-scrollable");
      if (scrolls && !marked) {
        el.classList.add("kx-scrollable");
        el.setAttribute("tabindex", "0");
        if (el.tagName !== "TABLE") {       // a table keeps its own role; a box becomes a region
          el.setAttribute("role", "region");
          el.setAttribute("aria-label", text(el.querySelector("caption")) || "Table");
        }
      } else if (!scrolls && marked) {
        el.classList.remove("kx-scrollable");
        el.removeAttribute("tabindex");
        if (el.tagName !== "TABLE") { el.removeAttribute("role"); el.removeAttribute("aria-label"); }
      }
    });
  }

  var scheduled = false;
  function schedule() {
    if (scheduled) { return; }
    scheduled = true;
    window.requestAnimationFrame(function () { scheduled = false; patch(document); });
  }
  document.documentElement.setAttribute("lang", document.documentElement.getAttribute("lang") || "en");
  new MutationObserver(schedule).observe(document.documentElement, {
    childList: true, subtree: true, attributes: true, attributeFilter: ["class", "target", "style"]
  });
  window.addEventListener("resize", schedule);
  schedule();
})();
