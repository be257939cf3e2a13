/* The studio's services page: each form sends its service to the catalogue API (its data-url,
   POST for a new one, PATCH with the version it was shown at for a change). */
(function () {
  "use strict";
  var K = window.KCC;
  var t = K.texts("service-texts");
  var FIELDS = ["title_nl", "title_en", "description_nl", "description_en", "link", "department", "team"];

  document.querySelectorAll("form.js-service").forEach(function (form) {
    K.apiForm(form, function (f) {
      var body = {};
      FIELDS.forEach(function (name) { body[name] = f.elements[name].value.trim(); });
      body.is_active = f.elements.is_active.checked;
      if (f.elements.key) { body.key = f.elements.key.value.trim(); }
      if (f.dataset.version) { body.version = Number(f.dataset.version); }
      return body;
    }, t);
  });
  // The table shows what is stored now, with the new versions to change it on.
  document.addEventListener("kcc:saved", function () { window.location.reload(); });
})();
