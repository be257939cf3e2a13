/* Customer view: the shell's action forms (contact moment, task, consent, merge). Each form posts to its own data-url. */
(function () {
  "use strict";
  var K = window.KCC;
  var t = K.texts();
  var party = document.getElementById("customer").dataset.party;

  var builders = {
    contact: function (f) {
      var channel = f.querySelector("input[name=channel]:checked").value;
      var details = {};
      if (f.elements.detail.value) { details[channel === "phone" ? "caller_number" : "location"] = f.elements.detail.value; }
      return { channel: channel, subject: f.elements.subject.value, text: f.elements.text.value,
        outcome: f.elements.outcome.value, parties: [{ party_id: party, role: "resident" }], details: details,
        topics: window.KCC_TOPICS ? window.KCC_TOPICS.chosen(f, "topics") : [] };
    },
    task: function (f) {
      var body = { kind: f.elements.kind.value, party_id: party, description: f.elements.description.value };
      if (f.elements.assigned_team.value) { body.assigned_team = f.elements.assigned_team.value; }
      return body;
    },
    consent: function (f) {
      return { purpose: f.elements.purpose.value, channel: f.elements.channel.value,
        method: f.elements.method.value, evidence: f.elements.evidence.value };
    },
    merge: function (f) { return { duplicate_id: f.elements.duplicate_id.value.trim(), reason: f.elements.reason.value }; }
  };
  document.querySelectorAll("form.js-api-form").forEach(function (form) {
    K.apiForm(form, builders[form.dataset.kind], t);
  });
})();
