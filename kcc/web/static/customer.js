/* Customer view: replies on the conversation's channel, new messages without reload, and the action forms. */
(function () {
  "use strict";
  var K = window.KCC;
  var t = K.texts();
  var root = document.getElementById("customer");
  var party = root.dataset.party;
  var POLL_MS = 2000;

  function say(form, ok, text) {
    var out = form.querySelector(".form-result");
    out.textContent = text;
    out.className = "form-result " + (ok ? "form-result--ok" : "form-result--error");
  }

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
    var id = article.dataset.conversation;
    K.api("GET", "/api/v1/conversations/" + id).then(function (result) {
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
      K.api("POST", "/api/v1/conversations/" + form.dataset.conversation + "/messages", { body: body }).then(function (r) {
        if (r.ok) {
          form.elements.body.value = "";
          say(form, true, t.sent);
          renderMessage(form.closest("article").querySelector(".messages"), r.data);
        } else { say(form, false, t.failed + " " + K.problemText(r)); }
      });
    });
  });

  var builders = {
    contact: function (f) {
      var channel = f.querySelector("input[name=channel]:checked").value;
      var details = {};
      if (f.elements.detail.value) { details[channel === "phone" ? "caller_number" : "location"] = f.elements.detail.value; }
      return ["/api/v1/contact-moments", { channel: channel, subject: f.elements.subject.value, text: f.elements.text.value,
        outcome: f.elements.outcome.value, parties: [{ party_id: party, role: "resident" }], details: details }];
    },
    task: function (f) {
      var body = { kind: f.elements.kind.value, party_id: party, description: f.elements.description.value };
      if (f.elements.assigned_team.value) { body.assigned_team = f.elements.assigned_team.value; }
      return ["/api/v1/tasks", body];
    },
    journey: function (f) { return ["/api/v1/journey-instances", { party_id: party, journey: f.elements.journey.value, reason: f.elements.reason.value }]; },
    consent: function (f) {
      return ["/api/v1/parties/" + party + "/consents", { purpose: f.elements.purpose.value, channel: f.elements.channel.value,
        method: f.elements.method.value, evidence: f.elements.evidence.value }];
    },
    merge: function (f) { return ["/api/v1/parties/" + party + "/merge", { duplicate_id: f.elements.duplicate_id.value.trim(), reason: f.elements.reason.value }]; }
  };
  document.querySelectorAll("form.js-api-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var call = builders[form.dataset.kind](form);
      K.api("POST", call[0], call[1]).then(function (r) {
        say(form, r.ok, r.ok ? t.saved : t.failed + " " + K.problemText(r));
      });
    });
  });

  var select = document.querySelector(".js-journey-options");
  if (select) {
    K.api("GET", "/api/v1/journeys").then(function (r) {
      var items = (r.ok && r.data && r.data.items) || [];
      var lang = document.documentElement.lang.slice(0, 2);
      items.filter(function (j) { return j.published_version; }).forEach(function (j) {
        var title = (j.title && (j.title[lang] || j.title.nl)) || j.key;
        select.appendChild(K.el("option", { value: j.key }, title));
      });
      if (!select.options.length) { select.appendChild(K.el("option", { value: "" }, t.none)); }
    });
  }

  document.querySelectorAll(".js-diagram").forEach(function (button) {
    button.addEventListener("click", function () {
      var box = button.nextElementSibling;
      var open = button.getAttribute("aria-expanded") === "true";
      button.setAttribute("aria-expanded", open ? "false" : "true");
      button.textContent = open ? t.show : t.hide;
      box.hidden = open;
      if (open || box.childNodes.length) { return; }
      K.api("GET", "/api/v1/journeys/" + button.dataset.journey + "/versions/" + button.dataset.version + "/diagram").then(function (r) {
        if (!r.ok) { box.textContent = t.failed + " " + K.problemText(r); return; }
        if (r.data.svg) { box.appendChild(K.svgImage(r.data.svg, t.diagram)); }
        var details = K.el("details");
        details.appendChild(K.el("summary", {}, t.mermaid));
        details.appendChild(K.el("pre", { "class": "code" }, r.data.mermaid));
        box.appendChild(details);
      });
    });
  });

  document.querySelectorAll(".js-suggestion").forEach(function (button) {
    button.addEventListener("click", function () {
      var out = document.getElementById("suggestion-result");
      K.api("POST", "/api/v1/suggestions/" + button.dataset.id + "/" + button.dataset.action, {}).then(function (r) {
        out.textContent = r.ok ? t.saved : t.failed + " " + K.problemText(r);
      });
    });
  });
})();
