/* Shared helpers for the pages: calls to the JSON API with the session and its CSRF token.
   Scripts take every URL from the page (data-url and data-*-url attributes), never from literals. */
(function () {
  "use strict";
  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }
  function api(method, path, body, headers) {
    // The API answers problems in the language it is asked for: the page's own.
    var options = { method: method, credentials: "same-origin", headers: Object.assign({ Accept: "application/json", "Accept-Language": pageLanguage() }, headers || {}) };
    if (method !== "GET") { options.headers["X-CSRF-Token"] = csrf(); }
    if (body !== undefined && body !== null) { options.headers["Content-Type"] = "application/json"; options.body = JSON.stringify(body); }
    return fetch(path, options).then(function (response) {
      if (response.status === 401) { sessionEnded(); }
      var type = response.headers.get("Content-Type") || "";
      var parsed = type.indexOf("json") >= 0 ? response.json() : Promise.resolve(null);
      return parsed.then(function (data) { return { ok: response.ok, status: response.status, data: data }; });
    });
  }
  // The session ended on the server (signed out elsewhere, password changed, revoked, timed
  // out): go to the sign-in page, which says why, and come back here afterwards.
  // With the session dialog on the page, it tells the person and keeps what they typed.
  function sessionEnded() {
    if (document.getElementById("session-dialog")) {
      document.dispatchEvent(new CustomEvent("kcc:session", { detail: { ended: true } }));
    } else { signInAgain(); }
  }
  function signInAgain() {
    var here = window.location.pathname + window.location.search;
    window.location.assign(document.body.dataset.signInUrl + "?next=" + encodeURIComponent(here));
  }
  function pageLanguage() {
    return document.documentElement.lang || "nl";
  }
  // What went wrong, in the page's language: the API's detail (asked for in that language),
  // the fields it names that the detail does not already say, else the page's own sentence.
  function problemText(result) {
    var data = result.data || {};
    var words = texts("problem-texts");
    var detail = data.detail || words["s" + result.status] || ("HTTP " + result.status);
    var parts = [detail];
    (data.invalid_params || []).forEach(function (p) {
      if (detail.indexOf(p.reason) < 0) { parts.push(p.name + ": " + p.reason); }
    });
    return parts.join(" — ");
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function texts(id) {
    var t = document.getElementById(id || "texts");
    return t ? t.dataset : {};
  }
  // A URL template from the page (a data-*-url such as /api/v1/conversations/{id}) with its values filled in.
  function url(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? encodeURIComponent(values[name]) : whole;
    });
  }
  function say(form, ok, text) {
    var out = form.querySelector(".form-result");
    out.textContent = text;
    out.className = "form-result " + (ok ? "form-result--ok" : "form-result--error");
  }
  // A fresh idempotency key: a registration sent twice (a double click, a retry) is stored once.
  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }
  // A form whose data-url takes a POST (or its data-method) of the JSON that build(form) makes;
  // the result under it. Each rendering of the form has its own Idempotency-Key; after a success
  // the form clears, gets a new key, and "kcc:saved" tells the page (the new item arrives by the
  // live stream).
  function apiForm(form, build, t) {
    form.dataset.idempotencyKey = newKey();
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (form.dataset.sending) { return; }
      form.dataset.sending = "1";
      form.setAttribute("aria-busy", "true");
      var method = form.dataset.method || "POST";
      var headers = method === "POST" ? { "Idempotency-Key": form.dataset.idempotencyKey } : {};
      api(method, form.dataset.url, build(form), headers).then(function (r) {
        say(form, r.ok, r.ok ? t.saved : t.failed + " " + problemText(r));
        if (r.ok) {
          form.reset();
          form.dataset.idempotencyKey = newKey();
          document.dispatchEvent(new CustomEvent("kcc:saved", { detail: { form: form, data: r.data } }));
        }
      }).finally(function () {
        delete form.dataset.sending;
        form.removeAttribute("aria-busy");
      });
    });
  }
  // Stored values (channels, statuses, directions) in the page's language, from the page.
  var labels = null;
  function label(value) {
    if (labels === null) {
      var node = document.getElementById("labels");
      try { labels = node ? JSON.parse(node.dataset.labels) : {}; } catch (e) { labels = {}; }
    }
    return Object.prototype.hasOwnProperty.call(labels, value) ? labels[value] : value;
  }
  function svgImage(svg, label) {
    var img = el("img", { alt: label, src: "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg), "class": "diagram__img" });
    return img;
  }
  window.KCC = { newKey: newKey, api: api, pageLanguage: pageLanguage, problemText: problemText, el: el, texts: texts, url: url, say: say, apiForm: apiForm, svgImage: svgImage, label: label };
})();
