/* Phone: the incoming-call popup. Each "call" event of /p/phone/live carries {call, html}: the
   popup to show for that call, or "" to remove it. Browsers allow six connections per host, so
   only one tab of a browser holds the stream (a Web Lock elects it) and passes the events to the
   others over a BroadcastChannel; when it closes, another tab takes over. */
(function () {
  "use strict";

  var box = document.getElementById("phone-popups");
  if (!box || !window.EventSource || box.dataset.connected) return;
  box.dataset.connected = "1";
  var ENDED_AFTER_MS = 60000;
  var tabs = window.BroadcastChannel ? new BroadcastChannel("helpline-phone") : null;

  function show(data) {
    var old = document.getElementById("phone-call-" + data.call);
    if (!data.html) {
      if (old) old.remove();
      return;
    }
    var holder = document.createElement("div");
    holder.innerHTML = data.html; // rendered and escaped by the server
    var popup = holder.firstElementChild;
    if (!popup) return;
    if (old) old.replaceWith(popup);
    else box.prepend(popup);
    if (window.htmx) window.htmx.process(popup);
    if (popup.classList.contains("phone-ended")) {
      // A finished call stays a minute (time to open its call-back ticket), then goes.
      setTimeout(function () {
        if (popup.isConnected && !popup.matches(":hover, :focus-within")) popup.remove();
      }, ENDED_AFTER_MS);
    }
  }

  function ready(on) {
    if (on) box.setAttribute("data-ready", "");
    else box.removeAttribute("data-ready");
  }

  function connect() {
    // Resolves never while the page lives: the lock is held until the tab goes away.
    return new Promise(function () {
      var source = new EventSource(box.dataset.stream);
      source.addEventListener("ready", function () {
        ready(true);
        if (tabs) tabs.postMessage({ ready: true });
      });
      source.addEventListener("error", function () {
        ready(false); // the browser reconnects by itself
      });
      source.addEventListener("call", function (event) {
        var data;
        try {
          data = JSON.parse(event.data);
        } catch (e) {
          return;
        }
        show(data);
        if (tabs) tabs.postMessage({ call: data });
      });
      window.addEventListener("pagehide", function () {
        source.close();
      });
    });
  }

  if (tabs) {
    tabs.onmessage = function (event) {
      if (event.data && event.data.call) show(event.data.call);
      if (event.data && event.data.ready) ready(true);
    };
  }
  if (navigator.locks && tabs) {
    navigator.locks.request("helpline-phone-stream", connect);
  } else {
    connect();
  }

  document.addEventListener("click", function (event) {
    var dismiss = event.target.closest("[data-dismiss-call]");
    if (dismiss) {
      var popup = dismiss.closest(".phone-popup");
      if (popup) popup.remove();
      return;
    }
    // On the log form, a click on one of the caller's open tickets fills in its number.
    var pick = event.target.closest("[data-phone-ticket]");
    var field = document.getElementById("phone-ticket");
    if (pick && field) {
      field.value = pick.getAttribute("data-phone-ticket");
      field.focus();
    }
  });
})();
