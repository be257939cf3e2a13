/* Conversations pages: the controls call the JSON API (URLs from each form's data-url); the
   lists and the conversation's state are fragments the live stream refreshes. */
(function () {
  "use strict";
  var K = window.KCC;
  var t = K.texts("desk-texts");

  // The form's fields as JSON; the names in data-lists (e.g. the topic picker's) are lists,
  // sent empty too, so that taking every topic off takes them off.
  function body(form) {
    var data = {};
    var lists = (form.dataset.lists || "").split(" ").filter(Boolean);
    lists.forEach(function (name) { data[name] = []; });
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.disabled || (field.type === "radio" && !field.checked)) { return; }
      var value = field.value.trim();
      if (value === "") { return; }
      if (field.type === "datetime-local") { value = new Date(value).toISOString(); }
      if (lists.indexOf(field.name) >= 0) { data[field.name].push(value); } else { data[field.name] = value; }
    });
    return data;
  }

  function refreshState() {
    var state = document.getElementById("conversation-state");
    if (state && window.KCC_LIVE) { window.KCC_LIVE.refresh(state); }
  }

  document.querySelectorAll("form.js-action, form.js-presence").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var method = form.classList.contains("js-presence") ? "PUT" : "POST";
      K.api(method, form.dataset.url, body(form)).then(function (r) {
        if (!r.ok) { K.say(form, false, t.failed + " " + K.problemText(r)); return; }
        K.say(form, true, t.saved);
        if (method === "POST") { window.location.assign(window.location.pathname); }
      });
    });
  });

  document.querySelectorAll("select.js-canned").forEach(function (select) {
    select.addEventListener("change", function () {
      var box = select.form.elements.body;
      if (select.value) { box.value = select.value; box.focus(); }
    });
  });

  document.querySelectorAll("form.js-reply").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = form.elements.body.value.trim();
      if (!text) { return; }
      K.api("POST", form.dataset.url, { body: text }).then(function (r) {
        if (!r.ok) { K.say(form, false, t.failed + " " + K.problemText(r)); return; }
        form.elements.body.value = "";
        K.say(form, true, t.saved);
        refreshState();
      });
    });
  });
})();
