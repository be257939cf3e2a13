/* Residents' chat: start a session (after consent), send messages, and long-poll for replies.
   The chat API's URLs come from the page (data-sessions-url, data-messages-url). */
(function () {
  "use strict";
  var t = document.getElementById("texts").dataset;
  var root = document.getElementById("main");
  var sessionsUrl = root.dataset.sessionsUrl;
  function messagesUrl() { return root.dataset.messagesUrl.replace("{session_id}", encodeURIComponent(session.id)); }
  var list = document.getElementById("chat-messages");
  var session = null;
  var last = null;
  var seen = {};
  var WAIT = 20;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function call(method, path, body) {
    // Problems come back in the page's language.
    var headers = { Accept: "application/json", "Accept-Language": document.documentElement.lang || "nl" };
    if (session) { headers["X-Chat-Token"] = session.token; }
    if (body) { headers["Content-Type"] = "application/json"; }
    return fetch(path, { method: method, headers: headers, credentials: "omit", body: body ? JSON.stringify(body) : undefined })
      .then(function (r) { return r.json().catch(function () { return null; }).then(function (d) { return { ok: r.ok, status: r.status, data: d }; }); });
  }
  function show(m) {
    if (seen[m.id]) { return; }
    seen[m.id] = true;
    last = m.id;
    var mine = m.direction === "inbound";
    var li = el("li", "message message--" + (mine ? "outbound" : "inbound"));
    li.appendChild(el("span", "message__who", (mine ? t.you : t.municipality) + ": "));
    li.appendChild(el("span", "message__body", m.body));
    list.appendChild(li);
    list.scrollTop = list.scrollHeight;
  }
  function poll() {
    var query = "?wait=" + WAIT + (last ? "&after=" + encodeURIComponent(last) : "");
    call("GET", messagesUrl() + query).then(function (r) {
      if (r.ok && r.data) { (r.data.items || []).forEach(show); setTimeout(poll, 100); }
      else { setTimeout(poll, 3000); }
    }).catch(function () { setTimeout(poll, 3000); });
  }
  document.getElementById("start-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var error = document.getElementById("start-error");
    if (!document.getElementById("chat-consent").checked) { error.textContent = t.consent; error.hidden = false; return; }
    call("POST", sessionsUrl, { display_name: document.getElementById("chat-name").value, language: root.dataset.lang })
      .then(function (r) {
        if (!r.ok) { error.textContent = t.unavailable; error.hidden = false; return; }
        session = r.data;
        document.getElementById("chat-start").hidden = true;
        document.getElementById("chat-window").hidden = false;
        list.appendChild(el("li", "message message--inbound", t.welcome));
        document.getElementById("chat-text").focus();
        poll();
      }).catch(function () { error.textContent = t.unavailable; error.hidden = false; });
  });
  document.getElementById("send-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var box = document.getElementById("chat-text");
    var status = document.getElementById("send-status");
    var body = box.value.trim();
    if (!body) { return; }
    call("POST", messagesUrl(), { body: body }).then(function (r) {
      if (r.ok) { box.value = ""; status.textContent = t.sent; show(r.data); }
      else { status.textContent = t.failed + (r.data && r.data.detail ? " " + r.data.detail : ""); }
    }).catch(function () { status.textContent = t.failed; });
  });
})();
