/* Journey studio: list, upload with errors at their line, diagram, simulate (with warnings), approve,
   publish, compare versions, the emergency stop, failed events, stats, register preview.
   Every URL comes from the page: data-*-url on #studio, with {key} and {number} for the script to fill. */
(function () {
  "use strict";
  var K = window.KCC;
  var t = K.texts();
  var root = document.getElementById("studio");
  var key = root.dataset.key;
  var urls = root.dataset;
  var maxUpload = parseInt(root.dataset.maxUpload, 10);
  var lang = document.documentElement.lang.slice(0, 2);
  var current = null;

  function listJourneys() {
    var list = document.getElementById("journey-list");
    K.api("GET", urls.journeysUrl).then(function (r) {
      list.textContent = "";
      var items = (r.ok && r.data && r.data.items) || [];
      if (!r.ok) { list.appendChild(K.el("li", { "class": "alert alert--error" }, t.failed + " " + K.problemText(r))); return; }
      if (!items.length) { list.appendChild(K.el("li", {}, t.none)); }
      items.forEach(function (j) {
        var li = K.el("li");
        li.appendChild(K.el("a", { href: K.url(urls.pageUrl, { key: j.key }) }, (j.title && (j.title[lang] || j.title.nl)) || j.key));
        li.appendChild(document.createTextNode(" (" + j.key + ", " + j.versions.length + " v)"));
        list.appendChild(li);
      });
    });
  }

  function loadVersions(select) {
    K.api("GET", urls.journeyUrl).then(function (r) {
      var body = document.getElementById("versions");
      body.textContent = "";
      if (!r.ok) { body.appendChild(K.el("tr")).appendChild(K.el("td", { colspan: "4" }, K.problemText(r))); return; }
      r.data.versions.forEach(function (v) {
        var tr = K.el("tr");
        tr.appendChild(K.el("td", {}, v.number));
        tr.appendChild(K.el("td", { "data-version-status": v.number }, K.label(v.status)));
        tr.appendChild(K.el("td", {}, (v.created_at || "").slice(0, 16).replace("T", " ")));
        var actions = K.el("td");
        var show = K.el("button", { type: "button", "class": "button button--secondary" }, t.show + " " + v.number);
        show.addEventListener("click", function () { openVersion(v.number); });
        actions.appendChild(show);
        if (v.number > r.data.versions[0].number) {
          var compare = K.el("button", { type: "button", "class": "button button--secondary", "data-compare": v.number }, t.compare + " " + v.number);
          compare.addEventListener("click", function () { showDiff(v.number); });
          actions.appendChild(compare);
        }
        if (v.status === "draft" && root.dataset.canDesign === "yes" && !v.approved_by) {
          var approve = K.el("button", { type: "button", "class": "button button--secondary", "data-approve": v.number }, t.approve + " " + v.number);
          approve.addEventListener("click", function () { versionAction(urls.approveUrl, v.number, t.approved); });
          actions.appendChild(approve);
        }
        if (v.status === "published" && root.dataset.canDesign === "yes") {
          var stop = v.suspended_at ? t.resume : t.suspend;
          var toggle = K.el("button", { type: "button", "class": "button button--secondary", "data-suspend-version": v.number }, stop + " " + v.number);
          toggle.addEventListener("click", function () { suspendVersion(v); });
          actions.appendChild(toggle);
        }
        if (v.status === "draft" && root.dataset.canDesign === "yes") {
          var publish = K.el("button", { type: "button", "class": "button", "data-publish": v.number }, t.publish + " " + v.number);
          publish.addEventListener("click", function () { publishVersion(v.number); });
          actions.appendChild(publish);
        }
        tr.appendChild(actions);
        body.appendChild(tr);
      });
      showSuspension(r.data);
      var versions = r.data.versions;
      if (versions.length) { openVersion(select || versions[versions.length - 1].number); }
    });
  }

  function versionAction(url, number, done, body) {
    var out = document.getElementById("upload-result") || document.getElementById("stop-result");
    K.api("POST", K.url(url, { number: number }), body || {}).then(function (r) {
      if (out) { out.textContent = r.ok ? done + " (" + number + ")" : t.failed + " " + K.problemText(r); }
      loadVersions(number);
    });
  }

  function reason() {
    var field = document.getElementById("stop-reason");
    var text = field ? field.value.trim() : "";
    if (text.length < 3) {
      document.getElementById("stop-result").textContent = t.reasonNeeded;
      if (field) { field.focus(); }
      return null;
    }
    return text;
  }

  function suspendVersion(v) {
    if (v.suspended_at) { versionAction(urls.resumeVersionUrl, v.number, t.resume); return; }
    var why = reason();
    if (why) { versionAction(urls.suspendVersionUrl, v.number, t.suspend, { reason: why }); }
  }

  function showSuspension(journey) {
    var box = document.getElementById("suspension");
    if (!box) { return; }
    box.textContent = journey.suspended_at ? t.suspended + " " + (journey.suspended_reason || "") : t.running;
    loadDeliveries();
  }

  function setupStop() {
    var form = document.getElementById("stop-form");
    if (!form) { return; }
    var out = document.getElementById("stop-result");
    form.addEventListener("click", function (event) {
      var action = event.target.getAttribute && event.target.getAttribute("data-stop");
      if (!action) { return; }
      var why = action === "resume" ? "" : reason();
      if (why === null) { return; }
      if (action === "cancel" && !window.confirm(t.confirmCancel)) { return; }
      var url = action === "suspend" ? urls.suspendUrl : action === "resume" ? urls.resumeUrl : urls.cancelUrl;
      K.api("POST", url, action === "resume" ? {} : { reason: why }).then(function (r) {
        if (!r.ok) { out.textContent = t.failed + " " + K.problemText(r); return; }
        out.textContent = action === "cancel" ? t.cancelled + " " + r.data.cancelled : (r.data.suspended ? t.suspended + " " + r.data.reason : t.running);
        loadVersions(current);
      });
    });
  }

  function loadDeliveries() {
    var box = document.getElementById("deliveries");
    if (!box) { return; }
    K.api("GET", urls.deliveriesUrl).then(function (r) {
      box.textContent = "";
      if (!r.ok) { box.textContent = K.problemText(r); return; }
      var open = (r.data.items || []).filter(function (d) { return d.status !== "done"; });
      if (!open.length) { box.appendChild(K.el("p", {}, t.noDeliveries)); return; }
      var ul = box.appendChild(K.el("ul", { "class": "plain" }));
      open.forEach(function (d) {
        var status = { failed: t.deliveryFailed, held: t.deliveryHeld, given_up: t.deliveryGivenUp }[d.status] || d.status;
        var text = status + ": " + d.event + " (" + d.attempts + " " + t.attempts +
          (d.next_attempt_at ? ", " + t.next + " " + d.next_attempt_at.slice(0, 16).replace("T", " ") : "") + ")";
        var li = ul.appendChild(K.el("li", { "data-delivery": d.status }, text));
        if (d.error) { li.appendChild(K.el("pre", { "class": "code" }, d.error)); }
      });
    });
  }

  function showDiff(number) {
    var box = document.getElementById("diff");
    box.textContent = t.loading;
    K.api("GET", K.url(urls.diffUrl, { number: number })).then(function (r) {
      box.textContent = "";
      if (!r.ok) { box.textContent = K.problemText(r); return; }
      if (!r.data.diff) { box.appendChild(K.el("p", {}, t.noDiff)); return; }
      var pre = box.appendChild(K.el("pre", { "class": "code diff", tabindex: "0", "aria-label": t.compare + " " + r.data.from + " → " + r.data.to }));
      r.data.diff.split("\n").forEach(function (line) {
        var kind = line.charAt(0) === "+" ? "diff__added" : line.charAt(0) === "-" ? "diff__removed" : "";
        pre.appendChild(K.el(kind ? (kind === "diff__added" ? "ins" : "del") : "span", kind ? { "class": kind } : {}, line + "\n"));
      });
    });
  }

  function publishVersion(number) {
    var out = document.getElementById("upload-result");
    K.api("POST", K.url(urls.publishUrl, { number: number }), {}).then(function (r) {
      if (out) { out.textContent = r.ok ? t.published + " (" + number + ")" : t.failed + " " + K.problemText(r); }
      loadVersions(number);
    });
  }

  function openVersion(number) {
    current = number;
    document.getElementById("current-version").textContent = number;
    var version = { number: number };
    var doc = document.getElementById("doc");
    K.api("GET", K.url(urls.versionUrl, version)).then(function (r) { if (r.ok && doc && !doc.value) { doc.value = r.data.source || ""; } });
    var diagram = document.getElementById("diagram");
    diagram.textContent = t.loading;
    K.api("GET", K.url(urls.diagramUrl, version)).then(function (r) {
      diagram.textContent = "";
      if (!r.ok) { diagram.textContent = K.problemText(r); return; }
      if (r.data.svg) { diagram.appendChild(K.svgImage(r.data.svg, t.diagram)); }
      var details = K.el("details", r.data.svg ? {} : { open: "" });
      details.appendChild(K.el("summary", {}, t.mermaid));
      details.appendChild(K.el("pre", { "class": "code", tabindex: "0" }, r.data.mermaid));
      diagram.appendChild(details);
    });
    var stats = document.getElementById("stats");
    K.api("GET", K.url(urls.statsUrl, version)).then(function (r) {
      stats.textContent = "";
      if (!r.ok) { stats.textContent = K.problemText(r); return; }
      var table = K.el("table", { "class": "table" });
      var head = table.appendChild(K.el("thead")).appendChild(K.el("tr"));
      head.appendChild(K.el("th", { scope: "col" }, t.state));
      head.appendChild(K.el("th", { scope: "col" }, t.count));
      var body = table.appendChild(K.el("tbody"));
      Object.keys(r.data.by_state || {}).forEach(function (s) {
        var tr = body.appendChild(K.el("tr"));
        tr.appendChild(K.el("th", { scope: "row" }, s));
        tr.appendChild(K.el("td", {}, r.data.by_state[s]));
      });
      stats.appendChild(table);
      var rate = r.data.completion_rate === null ? "—" : Math.round(r.data.completion_rate * 100) + "%";
      stats.appendChild(K.el("p", {}, t.completion + ": " + rate));
    });
    var register = document.getElementById("register");
    K.api("GET", urls.registerUrl).then(function (r) {
      register.textContent = "";
      if (!r.ok) { register.appendChild(K.el("p", { "class": "note" }, r.status === 404 ? t.noRegister : K.problemText(r))); return; }
      var dl = K.el("dl", { "class": "facts" });
      Object.keys(r.data).forEach(function (k) {
        var v = r.data[k];
        dl.appendChild(K.el("dt", {}, k));
        dl.appendChild(K.el("dd", {}, typeof v === "object" ? JSON.stringify(v) : v));
      });
      register.appendChild(dl);
    });
  }

  function showProblems(r, source) {
    var box = document.getElementById("doc-errors");
    box.textContent = "";
    var problems = (r.data && r.data.invalid_params) || [];
    var lines = {};
    box.appendChild(K.el("p", { "class": "alert alert--error", role: "alert" }, t.problems + " " + ((r.data && r.data.detail) || "")));
    var list = box.appendChild(K.el("ul", { "class": "problems" }));
    problems.forEach(function (p) {
      var m = /line (\d+)/.exec(p.reason);
      if (m) { lines[m[1]] = p.reason; }
      list.appendChild(K.el("li", { "data-line": m ? m[1] : "" }, (m ? t.line + " " + m[1] + ": " : "") + p.name + ": " + p.reason));
    });
    var listing = box.appendChild(K.el("ol", { "class": "listing code", "aria-label": t.problems, tabindex: "0" }));
    source.split("\n").forEach(function (text, i) {
      var li = K.el("li", lines[i + 1] ? { "class": "listing__error" } : {}, text || " ");
      if (lines[i + 1]) { li.appendChild(K.el("strong", { "class": "listing__message" }, " ← " + lines[i + 1])); }
      listing.appendChild(li);
    });
  }

  function setupUpload() {
    var form = document.getElementById("upload-form");
    if (!form) { return; }
    var file = document.getElementById("doc-file");
    var out = document.getElementById("upload-result");
    file.addEventListener("change", function () {
      var f = file.files[0];
      if (!f) { return; }
      if (f.size > maxUpload) { out.textContent = t.tooBig + " " + Math.round(maxUpload / 1024) + " kB."; out.className = "form-result form-result--error"; file.value = ""; return; }
      f.text().then(function (text) { document.getElementById("doc").value = text; out.textContent = ""; });
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var source = document.getElementById("doc").value;
      if (new Blob([source]).size > maxUpload) { out.textContent = t.tooBig + " " + Math.round(maxUpload / 1024) + " kB."; out.className = "form-result form-result--error"; return; }
      K.api("POST", urls.uploadUrl, { document: source }).then(function (r) {
        document.getElementById("doc-errors").textContent = "";
        if (r.ok) {
          out.className = "form-result form-result--ok";
          out.textContent = r.data.outcome === "unchanged" ? t.unchanged : t.saved + " " + r.data.number + ".";
          if (!key) { window.location.assign(K.url(urls.pageUrl, { key: r.data.journey })); return; }
          loadVersions(r.data.number);
        } else if (r.status === 422) { out.textContent = ""; showProblems(r, source); }
        else { out.className = "form-result form-result--error"; out.textContent = t.failed + " " + K.problemText(r); }
      });
    });
  }

  function setupSimulation() {
    var form = document.getElementById("simulate-form");
    if (!form) { return; }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var steps = document.getElementById("sim-events").value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean)
        .map(function (s) { return s.indexOf("timer:") === 0 ? { timer: s.slice(6) } : { event: s }; });
      var out = document.getElementById("simulation");
      K.api("POST", K.url(urls.simulateUrl, { number: current }), { steps: steps, language: lang === "en" ? "en" : "nl" }).then(function (r) {
        out.textContent = "";
        if (!r.ok) { out.appendChild(K.el("p", { "class": "alert alert--error", role: "alert" }, K.problemText(r))); return; }
        var path = (r.data.path || []).map(function (s) {
          return s.error ? s.index + ". " + (s.event || s.timer || "") + ": " + s.error : s.index + ". " + s.event + " → " + (s.to || []).join(" + ");
        });
        out.appendChild(K.el("h4", {}, t.path));
        var ol = out.appendChild(K.el("ol", { "class": "sim-path" }));
        path.forEach(function (p) { ol.appendChild(K.el("li", {}, p)); });
        out.appendChild(K.el("h4", {}, t.suggestions));
        var ul = out.appendChild(K.el("ul"));
        (r.data.suggestions || []).forEach(function (s) { ul.appendChild(K.el("li", {}, (s.service || "") + " " + (s.text || ""))); });
        var messages = r.data.messages;
        if (messages) { out.appendChild(K.el("p", {}, t.messages + " " + messages.period + ": " + messages.most + " / " + messages.cap)); }
        if ((r.data.warnings || []).length) {
          out.appendChild(K.el("h4", {}, t.warnings));
          var wl = out.appendChild(K.el("ul", { "class": "sim-warnings", role: "alert" }));
          r.data.warnings.forEach(function (w) { wl.appendChild(K.el("li", {}, w.message)); });
        }
        out.appendChild(K.el("h4", {}, t.timers));
        var tl = out.appendChild(K.el("ul"));
        (r.data.timers || []).forEach(function (s) { tl.appendChild(K.el("li", {}, (s.event || "") + " " + (s.after || "") + " (" + (s.state || "") + ")")); });
      });
    });
  }

  if (key) { loadVersions(); } else if (document.getElementById("journey-list")) { listJourneys(); }
  setupUpload();
  setupSimulation();
  setupStop();
})();
