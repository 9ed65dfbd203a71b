// The page's language (explainer.pages.choose_locale, issue 25), with no network:
// - <html lang> follows the language the kernel chose: the header carries it as data-kx-lang
//   (until the header arrives, a well-formed ?lang= in the link is used);
// - a language switch link keeps the walkthrough's current step (the heading's data-kx-step)
//   and the link's view, so switching language does not send the reader back to step 1.
(function () {
  "use strict";
  var TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$/;
  var asked = new URLSearchParams(window.location.search).get("lang");
  if (asked && TAG.test(asked)) { document.documentElement.lang = asked; }

  var observer = new MutationObserver(follow);

  function follow() {
    var header = document.querySelector(".kx-header[data-kx-lang]");
    var lang = header && header.getAttribute("data-kx-lang");
    if (!lang) { return; }
    if (TAG.test(lang)) { document.documentElement.lang = lang; }
    observer.disconnect();  // the header is written once per page
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".kx-lang a[hreflang]");
    if (!link) { return; }
    var params = new URLSearchParams(window.location.search);
    var heading = document.querySelector(".kx-wt-heading[data-kx-step]");
    if (heading) { params.set("step", heading.getAttribute("data-kx-step")); }
    params.set("lang", link.getAttribute("hreflang"));
    link.setAttribute("href", "?" + params.toString());
  }, true);

  observer.observe(document.documentElement, { childList: true, subtree: true });
  follow();
})();
