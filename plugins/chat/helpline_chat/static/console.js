/* Helpline chat console: waiting chats, own chats, live over one websocket. textContent only. */
(function () {
  "use strict";
  var root = document.getElementById("chat-console");
  if (!root) return;
  var tpl = document.getElementById("chat-pane-template");
  var panesEl = document.getElementById("chat-panes");
  var limitEl = document.getElementById("chat-limit");
  var panes = {}, outbox = {}, ws = null, backoff = 500, waiting = [], receivedAt = Date.now();

  function h(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function $(sel) { return document.getElementById(sel); }
  function cid() { return Date.now().toString(36) + Math.random().toString(36).slice(2, 10); }
  function send(frame) { if (ws && ws.readyState === 1) ws.send(JSON.stringify(frame)); }
  function setConn(text, ok) { var c = $("chat-conn"); c.textContent = text; c.dataset.ok = ok ? "1" : ""; }
  function showError(text) {
    var box = $("errors"); box.textContent = "";
    var p = h("p", "flash error", text); p.setAttribute("role", "alert"); box.append(p);
    setTimeout(function () { p.remove(); }, 6000);
  }

  function connect() {
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + root.dataset.ws;
    ws = new WebSocket(url);
    ws.onopen = function () {
      backoff = 500; setConn("online", true);
      Object.keys(outbox).forEach(function (k) { ws.send(JSON.stringify(outbox[k])); });
    };
    ws.onmessage = function (ev) { handle(JSON.parse(ev.data)); };
    ws.onclose = function (ev) {
      ws = null; setConn(ev.code === 4403 ? "signed out" : "reconnecting…", false);
      if (ev.code === 4403) return;
      setTimeout(connect, backoff); backoff = Math.min(backoff * 2, 10000);
    };
  }

  function handle(d) {
    if (d.type === "queue") { queue(d); }
    else if (d.type === "chat") { pane(d); }
    else if (d.type === "message") { message(d); }
    else if (d.type === "ack") { delete outbox[d.cid]; }
    else if (d.type === "typing" && panes[d.chat]) { panes[d.chat].typing.hidden = !d.on; }
    else if (d.type === "visitor" && panes[d.chat]) { panes[d.chat].presence.textContent = d.here ? "online" : "left"; }
    else if (d.type === "ended") { ended(d.chat); }
    else if (d.type === "error") {
      if (d.cid) delete outbox[d.cid];
      showError(d.message || "That did not work.");
    }
  }

  function wait(seconds) {
    var s = Math.max(0, Math.floor(seconds));
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }
  function queue(d) {
    waiting = d.waiting; receivedAt = Date.now();
    if (document.activeElement !== limitEl) limitEl.value = d.limit;
    var list = $("chat-waiting"); list.textContent = "";
    d.waiting.forEach(function (c) {
      var li = h("li", "chat-item"); li.dataset.chat = c.chat;
      var who = h("div"); who.append(h("strong", null, c.name), h("span", "muted small", " " + c.subject));
      var timer = h("span", "badge chat-wait", wait(c.waited)); timer.dataset.waited = c.waited;
      var accept = h("button", "small primary", "Accept"); accept.type = "button";
      accept.addEventListener("click", function () { send({ type: "accept", chat: c.chat }); });
      li.append(who, timer, accept); list.append(li);
    });
    $("chat-waiting-count").textContent = d.waiting.length;
    $("chat-waiting-empty").hidden = d.waiting.length > 0;
    var mine = $("chat-mine"); mine.textContent = "";
    d.mine.forEach(function (c) {
      var li = h("li", "chat-item"); var a = h("a", null, c.name); a.href = "#chat-" + c.chat;
      li.append(a, h("span", "muted small", " #" + c.ticket)); mine.append(li);
    });
    $("chat-mine-count").textContent = d.mine.length;
    var current = {};
    d.mine.forEach(function (c) { current[c.chat] = true; });
    Object.keys(panes).forEach(function (id) { if (!current[id]) ended(id); });
  }
  setInterval(function () {
    var extra = (Date.now() - receivedAt) / 1000;
    document.querySelectorAll(".chat-wait").forEach(function (t) { t.textContent = wait(+t.dataset.waited + extra); });
  }, 1000);

  function pane(c) {
    if (panes[c.chat]) return;
    $("chat-none").hidden = true;
    var el = tpl.content.firstElementChild.cloneNode(true);
    el.id = "chat-" + c.chat; el.dataset.chat = c.chat;
    el.querySelector("[data-name]").textContent = c.name;
    el.querySelector("[data-email]").textContent = c.email;
    var link = el.querySelector("[data-ticket]"); link.textContent = "#" + c.ticket; link.href = "/tickets/" + c.ticket;
    var earlier = el.querySelector("[data-earlier]");
    if (!c.earlier.length) earlier.append(h("li", "muted small", "None."));
    c.earlier.forEach(function (t) {
      var li = h("li"); var a = h("a", null, "#" + t.number + " " + t.subject); a.href = "/tickets/" + t.number;
      li.append(a, h("span", "muted small", " " + t.status)); earlier.append(li);
    });
    var p = { el: el, log: el.querySelector("[data-log]"), typing: el.querySelector("[data-typing]"),
              presence: el.querySelector("[data-presence]"), seen: {} };
    panes[c.chat] = p;
    var body = el.querySelector("[data-body]");
    el.querySelector("[data-canned]").addEventListener("change", function (ev) {
      if (ev.target.value) { body.value = (body.value ? body.value + "\n" : "") + ev.target.value; ev.target.value = ""; body.focus(); }
    });
    el.querySelector("[data-compose]").addEventListener("submit", function (ev) {
      ev.preventDefault();
      var text = body.value.trim(); if (!text) return;
      var frame = { type: "message", chat: c.chat, body: text, cid: cid() };
      outbox[frame.cid] = frame; send(frame); body.value = "";
      send({ type: "typing", chat: c.chat, on: false });
    });
    body.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); el.querySelector("[data-compose]").requestSubmit(); }
    });
    var typingTimer = null, typingOn = false;
    body.addEventListener("input", function () {
      if (!typingOn) { typingOn = true; send({ type: "typing", chat: c.chat, on: true }); }
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () { typingOn = false; send({ type: "typing", chat: c.chat, on: false }); }, 3000);
    });
    el.querySelector("[data-transfer]").addEventListener("change", function (ev) {
      var v = ev.target.value; if (!v) return;
      var parts = v.split(":"); var frame = { type: "transfer", chat: c.chat };
      frame[parts[0]] = parts[1]; send(frame); ev.target.value = "";
    });
    el.querySelector("[data-end]").addEventListener("click", function () { send({ type: "end", chat: c.chat }); });
    panesEl.append(el);
  }

  function message(m) {
    var p = panes[m.chat];
    if (!p || p.seen[m.seq]) return;
    p.seen[m.seq] = true;
    var li = h("li", "chat-msg from-" + m.from); li.dataset.seq = m.seq;
    li.append(h("span", "chat-who", m.name));
    if (m.body) li.append(h("span", "chat-text", m.body));
    (m.files || []).forEach(function (f) {
      var a = h("a", null, "File: " + f.name); a.href = f.url; li.append(a);
    });
    p.log.append(li); p.typing.hidden = true; p.log.scrollTop = p.log.scrollHeight;
  }

  function ended(chatId) {
    var p = panes[chatId]; if (!p) return;
    p.el.remove(); delete panes[chatId];
    $("chat-none").hidden = Object.keys(panes).length > 0;
  }

  limitEl.addEventListener("change", function () { send({ type: "limit", max: +limitEl.value }); });
  connect();
})();
