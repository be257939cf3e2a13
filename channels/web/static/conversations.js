/* Customer view, conversations panel: replies on the conversation's channel and new messages without reload. */
(function () {
  "use strict";
  var K = window.KCC;
  var t = K.texts("conversation-texts");

  function renderMessage(list, m) {
    var li = list.querySelector('[data-message="' + m.id + '"]');
    var status = K.label(m.status) + (m.error_code ? " (" + m.error_code + ": " + (m.error_message || "") + ")" : "");
    if (li) {
      var s = li.querySelector("[data-status]");
      if (s && s.textContent !== status) { s.textContent = status; }
      return;
    }
    li = K.el("li", { "class": "message message--" + m.direction, "data-message": m.id });
    li.appendChild(K.el("span", { "class": "message__body" }, m.body));
    var meta = K.el("span", { "class": "message__meta" }, K.label(m.direction));
    if (m.direction === "outbound") {
      meta.appendChild(document.createTextNode(" · "));
      meta.appendChild(K.el("span", { "class": "status", "data-status": "" }, status));
    }
    li.appendChild(meta);
    list.appendChild(li);
  }

  // New messages come by the page's live stream (kcc:live, topic party:<id>): the conversation
  // is fetched once per message delivered, never polled, and never keeps the session alive.
  function load(article) {
    // Answers can arrive out of order; only the newest request's answer is shown, so an older
    // status ("queued") never overwrites a newer one ("delivered").
    var asked = String((Number(article.dataset.loads) || 0) + 1);
    article.dataset.loads = asked;
    K.api("GET", article.dataset.url, null, { "X-KCC-Background": "1" }).then(function (result) {
      if (article.dataset.loads !== asked) { return; }
      if (result.ok && result.data) {
        var list = article.querySelector(".messages");
        (result.data.messages || []).forEach(function (m) { renderMessage(list, m); });
      }
    });
  }
  document.addEventListener("kcc:live", function (event) {
    var e = event.detail;
    document.querySelectorAll("article.conversation").forEach(function (a) {
      if (e.kind === "resync" || (e.data && e.data.conversation_id && a.dataset.url.indexOf(e.data.conversation_id) >= 0)) { load(a); }
    });
  });

  document.querySelectorAll("form.js-reply").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = form.elements.body.value.trim();
      if (!body) { return; }
      K.api("POST", form.dataset.url, { body: body }).then(function (r) {
        if (r.ok) {
          form.elements.body.value = "";
          K.say(form, true, t.sent);
          var list = form.closest("article").querySelector(".messages");
          // A live update may have shown it already, with a newer status than this answer's.
          if (!list.querySelector('[data-message="' + r.data.id + '"]')) { renderMessage(list, r.data); }
        } else { K.say(form, false, t.failed + " " + K.problemText(r)); }
      });
    });
  });
})();
