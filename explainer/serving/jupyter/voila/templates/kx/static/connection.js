// When the page loses its connection to the server (the server process stopped or restarted,
// the network dropped), say so in plain words and offer a reload: a reload asks for a fresh page,
// which a proxy in front of several processes sends to one that is running. When the server
// closes the socket because the page's kernel has ended (close code KERNEL_ENDED, from
// explainer/serving/websocket.py), the words say that the page has stopped.
// Loaded in the page's head, before Voilà's scripts open the kernel's websocket.
(function () {
  "use strict";
  var Native = window.WebSocket;
  if (!Native) { return; }
  // The words are the site strings' `connection` group (assets/<locale>/strings/site.yaml),
  // put in the page by the template; without them there is nothing to say.
  var WORDS;
  try {
    WORDS = JSON.parse(document.getElementById("kx-connection-words").textContent);
  } catch (e) { return; }
  var KERNEL_ENDED = 4000;
  var open = 0;
  var leaving = false;
  var ended = false;
  var banner = null;

  function show() {
    if (banner || leaving) { return; }
    banner = document.createElement("div");
    banner.className = "kx-connection-lost";
    banner.setAttribute("role", "alert");
    var title = document.createElement("p");
    title.className = "kx-connection-title";
    title.textContent = ended ? WORDS.ended_title : WORDS.title;
    var text = document.createElement("p");
    text.textContent = ended ? WORDS.ended_text : WORDS.text;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "kx-connection-reload";
    button.textContent = WORDS.button;
    button.addEventListener("click", function () { window.location.reload(); });
    banner.appendChild(title);
    banner.appendChild(text);
    banner.appendChild(button);
    document.body.insertBefore(banner, document.body.firstChild);
  }

  function hide() {
    if (banner) { banner.remove(); banner = null; }
  }

  function isKernelSocket(url) { return /\/api\/kernels\/[^/]+\/channels/.test(String(url)); }

  function Watched(url, protocols) {
    var ws = protocols === undefined ? new Native(url) : new Native(url, protocols);
    if (isKernelSocket(url)) {
      ws.addEventListener("open", function () { open += 1; hide(); });
      ws.addEventListener("close", function (event) {
        if (event.target.readyState === Native.CLOSED && open > 0) { open -= 1; }
        if (event.code === KERNEL_ENDED) { ended = true; }
        // Voilà's page tries to reconnect at once; only a link that stays down is "lost".
        window.setTimeout(function () { if (open === 0) { show(); } }, 1500);
      });
    }
    return ws;
  }
  Watched.prototype = Native.prototype;
  ["CONNECTING", "OPEN", "CLOSING", "CLOSED"].forEach(function (k) { Watched[k] = Native[k]; });
  window.WebSocket = Watched;
  // The page's own modules (the overlays, loaded later) read this too: a page being left
  // must not start sending to a kernel whose connection is closing.
  ["beforeunload", "pagehide"].forEach(function (name) {
    window.addEventListener(name, function () { leaving = true; window.kxLeaving = true; });
  });
})();
