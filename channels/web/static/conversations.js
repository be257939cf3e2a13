/* Customer view, conversations panel: replies on the conversation's channel and new messages without reload. */
(function () {
  "use strict";
  var K = window.KCC;
  var t = K.texts("conversation-texts");
  var POLL_MS = 2000;

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

  function poll(article) {
    K.api("GET", article.dataset.url).then(function (result) {
      if (result.ok && result.data) {
        var list = article.querySelector(".messages");
        (result.data.messages || []).forEach(function (m) { renderMessage(list, m); });
      }
    }).finally(function () { setTimeout(function () { poll(article); }, POLL_MS); });
  }
  document.querySelectorAll("article.conversation").forEach(function (a) { setTimeout(function () { poll(a); }, POLL_MS); });

  document.querySelectorAll("form.js-reply").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = form.elements.body.value.trim();
      if (!body) { return; }
      K.api("POST", form.dataset.url, { body: body }).then(function (r) {
        if (r.ok) {
          form.elements.body.value = "";
          K.say(form, true, t.sent);
          renderMessage(form.closest("article").querySelector(".messages"), r.data);
        } else { K.say(form, false, t.failed + " " + K.problemText(r)); }
      });
    });
  });
})();
