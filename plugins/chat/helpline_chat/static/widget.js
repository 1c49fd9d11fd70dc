/* Helpline chat widget: one script tag, no dependencies. Everything renders with textContent. */
(function () {
  "use strict";
  var CONFIG = /*CONFIG*/{};
  var script = document.currentScript;
  if (!script || !CONFIG.key || window.HelplineChat) return;
  var base = new URL(script.src).origin;
  var api = base + "/p/chat/w/" + encodeURIComponent(CONFIG.key);
  var STORE = "helpline-chat:" + CONFIG.key;
  var saved = load();
  var ident = { name: script.dataset.name || saved.name || "", email: script.dataset.email || saved.email || "" };
  var seen = {}, outbox = {}, ws = null, backoff = 500, typingOn = false, typingTimer = null;

  function load() { try { return JSON.parse(localStorage.getItem(STORE) || "{}"); } catch (e) { return {}; } }
  function save() { try { localStorage.setItem(STORE, JSON.stringify(saved)); } catch (e) { /* private mode */ } }
  function h(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function cid() { return Date.now().toString(36) + Math.random().toString(36).slice(2, 10); }

  // ---- the UI, in a shadow root so host-page styles neither leak in nor out -------------------
  var host = h("div");
  host.setAttribute("data-helpline-chat", "");
  host.style.setProperty("--hc-color", CONFIG.color);
  host.style.setProperty("--hc-text", CONFIG.textColor);
  var root = host.attachShadow({ mode: "open" });
  var style = h("style");
  style.textContent = [
    ":host{all:initial}",
    "*{box-sizing:border-box;font:14px/1.4 system-ui,sans-serif}",
    ".wrap{position:fixed;bottom:16px;" + (CONFIG.position === "left" ? "left" : "right") + ":16px;z-index:2147483000}",
    ".launch{background:var(--hc-color);color:var(--hc-text);border:0;border-radius:24px;padding:12px 18px;cursor:pointer;box-shadow:0 2px 8px #0004}",
    ".panel{width:min(360px,calc(100vw - 32px));height:min(520px,calc(100vh - 32px));background:#fff;color:#111;border-radius:12px;box-shadow:0 4px 24px #0005;display:flex;flex-direction:column;overflow:hidden}",
    ".head{background:var(--hc-color);color:var(--hc-text);padding:10px 12px;display:flex;justify-content:space-between;align-items:center;gap:8px}",
    ".head button{background:transparent;color:inherit;border:0;cursor:pointer;font-size:13px}",
    ".body{flex:1;overflow:auto;padding:12px;display:flex;flex-direction:column;gap:8px}",
    "form{display:flex;flex-direction:column;gap:8px}",
    "input,textarea{border:1px solid #bbb;border-radius:6px;padding:7px;width:100%;color:#111;background:#fff}",
    ".send{background:var(--hc-color);color:var(--hc-text);border:0;border-radius:6px;padding:8px 12px;cursor:pointer}",
    ".log{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:6px}",
    ".msg{max-width:85%;padding:7px 10px;border-radius:10px;white-space:pre-wrap;overflow-wrap:anywhere}",
    ".msg small{display:block;opacity:.7;font-size:11px}",
    ".visitor{align-self:flex-end;background:var(--hc-color);color:var(--hc-text)}",
    ".agent{align-self:flex-start;background:#eef0f3}",
    ".pending{opacity:.6}.note{color:#555;font-size:12px;text-align:center}",
    ".msg a{color:inherit}",
    ".compose{display:flex;flex-direction:row;gap:6px;padding:8px;border-top:1px solid #ddd;align-items:flex-end}",
    ".compose textarea{resize:none;height:40px;flex:1;min-width:0}",
    ".attach{border:1px solid #bbb;background:#fff;border-radius:6px;padding:8px;cursor:pointer}",
    ".err{color:#b00020;font-size:12px;margin:0}.err:empty,.note:empty{display:none}[hidden]{display:none!important}"
  ].join("\n");
  root.appendChild(style);
  var wrap = h("div", "wrap");
  var launch = h("button", "launch", CONFIG.title || "Chat with us");
  launch.type = "button";
  var panel = h("div", "panel");
  panel.hidden = true;
  var head = h("div", "head");
  var title = h("strong", null, CONFIG.title || "Chat");
  var endBtn = h("button", null, "End chat");
  endBtn.type = "button"; endBtn.hidden = true;
  var newBtn = h("button", null, "New chat");
  newBtn.type = "button"; newBtn.hidden = true;
  var closeBtn = h("button", null, "✕");
  closeBtn.type = "button"; closeBtn.setAttribute("aria-label", "Close chat");
  var headBtns = h("span");
  headBtns.append(endBtn, newBtn, closeBtn);
  head.append(title, headBtns);
  var body = h("div", "body");
  var intro = h("p", null, CONFIG.greeting || "");
  var form = h("form");
  var fName = field("input", "Your name", "name");
  var fEmail = field("input", "Email", "email");
  fEmail.type = "email";
  var fBody = field("textarea", "Your message", "body");
  var formErr = h("p", "err");
  var formBtn = h("button", "send", "Start chat");
  form.append(fName, fEmail, fBody, formErr, formBtn);
  var log = h("ol", "log");
  var typing = h("p", "note", "typing…");
  typing.hidden = true;
  var notice = h("p", "note");
  body.append(intro, form, log, typing, notice);
  var compose = h("form", "compose");
  var input = field("textarea", "Type a message", "message");
  input.maxLength = CONFIG.maxChars || 2000;
  var fileIn = h("input"); fileIn.type = "file"; fileIn.hidden = true;
  var attach = h("button", "attach", "+"); attach.type = "button"; attach.setAttribute("aria-label", "Attach a file");
  var sendBtn = h("button", "send", "Send");
  compose.append(attach, fileIn, input, sendBtn);
  panel.append(head, body, compose);
  wrap.append(launch, panel);
  root.appendChild(wrap);

  function field(tag, label, name) {
    var e = h(tag); e.name = name; e.placeholder = label; e.setAttribute("aria-label", label); return e;
  }
  var mode = "start";
  function show(next) {
    mode = next;
    var chatting = next === "chat";
    form.hidden = !(next === "start" || next === "offline");
    log.hidden = !chatting; compose.hidden = !chatting; endBtn.hidden = !chatting || !!saved.ended;
    newBtn.hidden = !chatting || !saved.ended;
    intro.textContent = next === "offline"
      ? "No one is available right now. Leave a message and we will reply by email."
      : next === "sent" ? "Thank you! We will reply to " + ident.email + "." : CONFIG.greeting || "";
    formBtn.textContent = next === "offline" ? "Send message" : "Start chat";
    fName.value = fName.value || ident.name; fEmail.value = fEmail.value || ident.email;
  }

  function open() {
    panel.hidden = false; launch.hidden = true;
    if (saved.token) { show("chat"); connect(); return; }
    fetch(api + "/status").then(function (r) { return r.json(); }).then(function (d) {
      if (mode !== "sent") show(d.online ? "start" : "offline");
    }).catch(function () { show("offline"); });
  }
  launch.addEventListener("click", open);
  closeBtn.addEventListener("click", function () { panel.hidden = true; launch.hidden = false; });

  function post(path, data) {
    return fetch(api + path, { method: "POST", headers: { "Content-Type": "text/plain" }, body: JSON.stringify(data) })
      .then(function (r) { return r.json().then(function (d) { d._status = r.status; return d; }); });
  }
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    formErr.textContent = "";
    ident = { name: fName.value.trim(), email: fEmail.value.trim() };
    var data = { name: ident.name, email: ident.email, body: fBody.value, page: location.href };
    var offline = mode === "offline";
    post(offline ? "/leave" : "/start", data).then(function (d) {
      if (d.error) { formErr.textContent = d.error; return; }
      if (d.offline) { show("offline"); formErr.textContent = "No one is available any more: send this as a message."; return; }
      fBody.value = "";
      if (offline) { show("sent"); return; }
      saved = { token: d.token, seq: 0, name: ident.name, email: ident.email };
      save(); show("chat"); connect();
    }).catch(function () { formErr.textContent = "Could not reach us. Please try again."; });
  });

  // ---- the live connection ------------------------------------------------------------------
  function connect() {
    if (ws || !saved.token) return;
    ws = new WebSocket(api.replace(/^http/, "ws") + "/ws");
    ws.onopen = function () {
      backoff = 500; notice.textContent = "";
      ws.send(JSON.stringify({ type: "hello", token: saved.token, seq: saved.seq || 0 }));
      Object.keys(outbox).forEach(function (k) { ws.send(JSON.stringify(outbox[k])); });
    };
    ws.onmessage = function (ev) { receive(JSON.parse(ev.data)); };
    ws.onclose = function (ev) {
      ws = null;
      if (!saved.token) return;
      if (ev.code === 4401 || ev.code === 4403) { forget(); return; }
      notice.textContent = "Reconnecting…";
      setTimeout(connect, backoff); backoff = Math.min(backoff * 2, 10000);
    };
  }
  function forget() {
    saved = { name: ident.name, email: ident.email }; save();
    log.textContent = ""; notice.textContent = ""; seen = {}; outbox = {}; show("start");
  }
  function receive(d) {
    if (d.type === "welcome") { state(d.state, d.agent); }
    else if (d.type === "message") { addMessage(d); }
    else if (d.type === "ack") { delete outbox[d.cid]; }
    else if (d.type === "typing") { typing.hidden = !d.on; }
    else if (d.type === "state") { state(d.state, d.agent); }
    else if (d.type === "error") {
      if (d.cid) { delete outbox[d.cid]; var p = log.querySelector('[data-cid="' + CSS.escape(d.cid) + '"]'); if (p) p.remove(); }
      notice.textContent = d.reason === "rate" ? "You are sending messages too quickly." :
        d.reason === "too_long" ? "That message is too long." : (d.message || "Your message could not be sent.");
    }
  }
  function state(s, agent) {
    saved.ended = s === "ended"; save();
    endBtn.hidden = saved.ended; newBtn.hidden = !saved.ended;
    notice.textContent = s === "active" ? (agent || "An agent") + " joined the chat." :
      s === "waiting" ? "Waiting for an agent…" : "The chat has ended. We will follow up by email.";
  }
  function addMessage(m) {
    if (seen[m.seq]) return;
    seen[m.seq] = true;
    if (m.seq > (saved.seq || 0)) { saved.seq = m.seq; save(); }
    if (m.cid) { var p = log.querySelector('[data-cid="' + CSS.escape(m.cid) + '"]'); if (p) p.remove(); }
    var li = h("li", "msg " + (m.from === "visitor" ? "visitor" : "agent"));
    li.dataset.seq = m.seq;
    if (m.from !== "visitor") li.append(h("small", null, m.name));
    if (m.body) li.append(document.createTextNode(m.body));
    (m.files || []).forEach(function (f) {
      if (!/^\/p\/chat\//.test(f.url)) return;
      var a = h("a", null, "File: " + f.name); a.href = base + f.url; a.target = "_blank"; a.rel = "noopener";
      li.append(h("br"), a);
    });
    log.append(li); typing.hidden = true; body.scrollTop = body.scrollHeight;
  }
  compose.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    var frame = { type: "message", body: text, cid: cid() };
    outbox[frame.cid] = frame; input.value = "";
    var li = h("li", "msg visitor pending", text); li.dataset.cid = frame.cid; log.append(li);
    body.scrollTop = body.scrollHeight;
    if (ws && ws.readyState === 1) ws.send(JSON.stringify(frame));
    sendTyping(false);
  });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); compose.requestSubmit(); }
  });
  function sendTyping(on) {
    if (typingOn === on) return;
    typingOn = on;
    if (ws && ws.readyState === 1) ws.send(JSON.stringify({ type: "typing", on: on }));
  }
  input.addEventListener("input", function () {
    sendTyping(!!input.value); clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { sendTyping(false); }, 3000);
  });
  attach.addEventListener("click", function () { fileIn.click(); });
  fileIn.addEventListener("change", function () {
    var file = fileIn.files[0];
    if (!file) return;
    var fd = new FormData(); fd.append("token", saved.token); fd.append("cid", cid()); fd.append("file", file);
    notice.textContent = "Uploading " + file.name + "…";
    fetch(api + "/upload", { method: "POST", body: fd }).then(function (r) { return r.json(); }).then(function (d) {
      notice.textContent = d.error || ""; fileIn.value = "";
    }).catch(function () { notice.textContent = "The upload failed."; });
  });
  endBtn.addEventListener("click", function () { post("/end", { token: saved.token }); });
  newBtn.addEventListener("click", function () { newChat(); open(); });
  function newChat() {
    var old = ws; saved.token = null; newBtn.hidden = true;
    if (old) old.close();
    forget();
  }

  window.HelplineChat = {
    identify: function (who) {
      ident.name = (who && who.name) || ident.name; ident.email = (who && who.email) || ident.email;
      fName.value = ident.name; fEmail.value = ident.email;
    },
    open: open,
    newChat: newChat
  };
  function mount() { document.body.appendChild(host); if (saved.token) { open(); } else { show("start"); } }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
