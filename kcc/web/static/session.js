/* The session's end without lost work (WCAG 2.2.1): a warning before the session idles out,
   with the choice to stay signed in, and what was typed in the page's forms kept in this
   tab (sessionStorage) and filled in again after signing in.

   The live stream tells the page how long the session has left ("kcc:session" events);
   between those notes the page counts down by itself. */
(function () {
  "use strict";
  var body = document.body;
  var dialog = document.getElementById("session-dialog");
  var DRAFTS = "kcc:draft:";
  var warnTimer = null;
  var endTimer = null;
  var ended = false;

  // --- Drafts ----------------------------------------------------------------------------

  function formKey(form) {
    return form.getAttribute("id") || form.dataset.formKey || form.dataset.url || form.getAttribute("action") || null;
  }
  function draftKey(form) {
    var key = formKey(form);
    return key ? DRAFTS + window.location.pathname + "|" + key : null;
  }
  function keeps(form) {
    // getAttribute: a field called "method" would hide the form's own property.
    return (form.getAttribute("method") || "get").toLowerCase() === "post" || !!form.dataset.url;
  }
  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !el.disabled && el.type !== "password" && el.type !== "hidden" &&
        el.type !== "submit" && el.type !== "button" && el.type !== "file";
    });
  }
  function changed(el) {
    if (el.tagName !== "SELECT") { return el.value !== el.defaultValue; }
    var initial = 0;
    Array.prototype.forEach.call(el.options, function (o, i) { if (o.defaultSelected) { initial = i; } });
    return el.selectedIndex !== initial;
  }
  function saveDraft(form) {
    var key = draftKey(form);
    if (!key || !keeps(form)) { return; }
    var values = {};
    var typed = false;
    fields(form).forEach(function (el) {
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked !== el.defaultChecked) { typed = true; }
        if (el.checked) { values[el.name + "=" + el.value] = true; }
      } else {
        if (changed(el)) { typed = true; }
        values[el.name] = el.value;
      }
    });
    try {
      if (typed) { window.sessionStorage.setItem(key, JSON.stringify(values)); }
      else { window.sessionStorage.removeItem(key); }
    } catch (e) { /* storage full or off: nothing to keep */ }
  }
  function forgetDraft(form) {
    var key = draftKey(form);
    try { if (key) { window.sessionStorage.removeItem(key); } } catch (e) { /* storage off */ }
  }
  function restoreDraft(form) {
    var key = draftKey(form);
    var raw = null;
    try { raw = key ? window.sessionStorage.getItem(key) : null; } catch (e) { raw = null; }
    if (!raw) { return false; }
    var values;
    try { values = JSON.parse(raw); } catch (e) { return false; }
    fields(form).forEach(function (el) {
      if (el.type === "radio" || el.type === "checkbox") { el.checked = !!values[el.name + "=" + el.value]; }
      else if (Object.prototype.hasOwnProperty.call(values, el.name)) { el.value = values[el.name]; }
    });
    var details = form.closest("details");
    if (details) { details.open = true; }
    var out = form.querySelector(".form-result");
    if (out && body.dataset.draftRestoredText) {
      out.textContent = body.dataset.draftRestoredText;
      out.className = "form-result form-result--ok";
    }
    return true;
  }

  document.addEventListener("input", function (event) {
    var form = event.target && event.target.form;
    if (form) { saveDraft(form); }
  });
  document.addEventListener("change", function (event) {
    var form = event.target && event.target.form;
    if (form) { saveDraft(form); }
  });
  document.addEventListener("kcc:saved", function (event) { forgetDraft(event.detail.form); });
  document.querySelectorAll("form").forEach(restoreDraft);

  // --- The warning -----------------------------------------------------------------------

  function show(state) {
    if (!dialog) { return; }
    dialog.dataset.state = state;
    dialog.querySelectorAll("[data-when]").forEach(function (node) {
      node.hidden = node.dataset.when !== state;
      if (!node.hidden) { dialog.setAttribute("aria-labelledby", node.dataset.title); }
    });
    if (!dialog.open) {
      if (typeof dialog.showModal === "function") { dialog.showModal(); } else { dialog.setAttribute("open", ""); }
    }
    var first = dialog.querySelector('[data-when="' + state + '"] .button');
    if (first) { first.focus(); }
  }
  function hide() {
    if (dialog && dialog.open) { dialog.close(); }
  }
  function clearTimers() {
    if (warnTimer) { window.clearTimeout(warnTimer); warnTimer = null; }
    if (endTimer) { window.clearTimeout(endTimer); endTimer = null; }
  }
  function warnLead(seconds) {
    var idle = parseInt(body.dataset.sessionIdleSeconds || "1800", 10);
    return Math.min(120, Math.floor(idle / 3), seconds);
  }
  // Before warning or ending, ask the server: another tab may have kept the session alive.
  function check(then) {
    fetch(body.dataset.sessionKeepUrl, {
      credentials: "same-origin", headers: { Accept: "application/json", "X-KCC-Background": "1" }
    }).then(function (response) {
      if (response.status === 401) { end(); return null; }
      return response.ok ? response.json() : { seconds_left: null };
    }).then(function (data) {
      if (data) { then(data.seconds_left); }
    }).catch(function () { then(null); });
  }
  function plan(seconds) {
    if (ended) { return; }
    clearTimers();
    var lead = warnLead(seconds);
    if (dialog && dialog.open && dialog.dataset.state === "warning" && seconds > lead + 5) { hide(); }
    warnTimer = window.setTimeout(function () {
      check(function (left) {
        if (left !== null && left > lead + 5) { plan(left); return; }
        warn(left === null ? lead : left);
      });
    }, Math.max(0, (seconds - lead) * 1000));
    endTimer = window.setTimeout(function () {
      check(function (left) { if (left !== null && left > 2) { plan(left); } else { end(); } });
    }, seconds * 1000 + 1000);
  }
  var until = 0;
  function warn(seconds) {
    until = Date.now() + seconds * 1000;
    if (!dialog || (dialog.open && dialog.dataset.state === "warning")) { return; }
    var counter = dialog.querySelector("[data-seconds]");
    var tick = function () {
      if (!counter || !dialog.open || dialog.dataset.state !== "warning") { return; }
      counter.textContent = String(Math.max(0, Math.round((until - Date.now()) / 1000)));
      window.setTimeout(tick, 1000);
    };
    show("warning");
    tick();
  }
  function end() {
    if (ended) { return; }
    ended = true;
    clearTimers();
    document.querySelectorAll("form").forEach(saveDraft);
    if (window.KCC_LIVE) { window.KCC_LIVE.close(); }
    show("ended");
  }
  function staySignedIn() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    fetch(body.dataset.sessionKeepUrl, {
      method: "POST", credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRF-Token": meta ? meta.getAttribute("content") : "" }
    }).then(function (response) {
      if (!response.ok) { end(); return null; }
      return response.json();
    }).then(function (data) {
      if (data) { hide(); plan(data.seconds_left); }
    }).catch(function () { /* offline: the countdown goes on and the dialog stays */ });
  }
  function signInAgain() {
    document.querySelectorAll("form").forEach(saveDraft);
    var here = window.location.pathname + window.location.search;
    window.location.assign(body.dataset.signInUrl + "?next=" + encodeURIComponent(here));
  }

  if (dialog) {
    dialog.querySelector("[data-action=stay]").addEventListener("click", staySignedIn);
    dialog.querySelector("[data-action=sign-in]").addEventListener("click", signInAgain);
    // Escape closes a warning (the countdown goes on), but an ended session stays said.
    dialog.addEventListener("cancel", function (event) { if (ended) { event.preventDefault(); } });
  }
  document.addEventListener("kcc:session", function (event) {
    var note = event.detail || {};
    if (note.ended) { end(); }
    else if (typeof note.seconds_left === "number") { plan(note.seconds_left); }
  });
  var initial = parseInt(body.dataset.sessionSecondsLeft || "", 10);
  if (!isNaN(initial)) { plan(initial); }
  window.KCC_SESSION = { saveDraft: saveDraft, forgetDraft: forgetDraft, end: end };
})();
