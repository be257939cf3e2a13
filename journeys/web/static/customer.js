/* Customer view, journey panels: a journey's diagram on request, answers to suggestions, and starting a journey.
   Every URL comes from the panels' markup (data-url). */
(function () {
  "use strict";
  var K = window.KCC;
  var t = K.texts("journey-texts");

  document.querySelectorAll(".js-diagram").forEach(function (button) {
    button.addEventListener("click", function () {
      var box = button.nextElementSibling;
      var open = button.getAttribute("aria-expanded") === "true";
      button.setAttribute("aria-expanded", open ? "false" : "true");
      button.textContent = open ? t.show : t.hide;
      box.hidden = open;
      if (open || box.childNodes.length) { return; }
      K.api("GET", button.dataset.url).then(function (r) {
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
      K.api("POST", button.dataset.url, {}).then(function (r) {
        out.textContent = r.ok ? t.saved : t.failed + " " + K.problemText(r);
      });
    });
  });

  document.querySelectorAll("form.js-start-journey").forEach(function (form) {
    var select = form.elements.journey;
    K.api("GET", select.dataset.url).then(function (r) {
      var items = (r.ok && r.data && r.data.items) || [];
      var lang = document.documentElement.lang.slice(0, 2);
      items.filter(function (j) { return j.published_version; }).forEach(function (j) {
        var title = (j.title && (j.title[lang] || j.title.nl)) || j.key;
        select.appendChild(K.el("option", { value: j.key }, title));
      });
      if (!select.options.length) { select.appendChild(K.el("option", { value: "" }, t.none)); }
    });
    K.apiForm(form, function (f) {
      return { party_id: f.dataset.party, journey: f.elements.journey.value, reason: f.elements.reason.value };
    }, t);
  });
})();
