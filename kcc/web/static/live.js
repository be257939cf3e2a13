/* Live updates: one server-sent event stream per page, for the topics the page follows.

   The body's data-live-topics names the page's topics; every element with
   data-live-topic="<topic>" data-live-src="<fragment URL>" adds its topic and is re-fetched
   from its URL when an event on that topic arrives (only events of data-live-kinds, when
   given). Each event is also dispatched on
   document as a "kcc:live" DOM event (detail {topic, kind, data}); the stream's session
   notes as "kcc:session" (detail {ended, seconds_left}). Requests the page makes by itself
   carry X-KCC-Background, so they never keep a session alive on their own. */
(function () {
  "use strict";
  var BACKGROUND = { "X-KCC-Background": "1" };
  var body = document.body;
  var source = null;
  // The page was drawn as of this event: the first stream replays what came after it.
  var lastId = body.dataset.liveSince || "";
  var retryTimer = null;

  function topics() {
    var found = (body.dataset.liveTopics || "").split(/\s+/);
    document.querySelectorAll("[data-live-topic]").forEach(function (node) {
      found = found.concat(node.dataset.liveTopic.split(/\s+/));
    });
    return found.filter(function (t, i) { return t && found.indexOf(t) === i; });
  }

  function emit(name, detail) {
    document.dispatchEvent(new CustomEvent(name, { detail: detail }));
  }

  function announce(text) {
    var region = document.getElementById("live-announcer");
    if (!region || !text) { return; }
    region.textContent = "";
    // A change of content after a pause is what screen readers announce.
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  // --- Declarative fragments -------------------------------------------------------------

  function key(node) {
    return node.id ? "#" + node.id : (node.dataset && node.dataset.formKey) ? "key:" + node.dataset.formKey : null;
  }

  // Forms (and anything marked data-live-keep) the person may be using stay the very same
  // nodes: focus, typed text, the caret and any pending submit survive the refresh.
  function keepLiveNodes(oldRoot, newRoot) {
    var kept = {};
    oldRoot.querySelectorAll("form, [data-live-keep]").forEach(function (node) {
      var k = key(node);
      if (k) { kept[k] = node; }
    });
    newRoot.querySelectorAll("form, [data-live-keep]").forEach(function (node) {
      var k = key(node);
      if (k && kept[k] && !node.parentNode.closest("[data-live-kept]")) {
        kept[k].setAttribute("data-live-kept", "");
        node.replaceWith(kept[k]);
      }
    });
    newRoot.querySelectorAll("[data-live-kept]").forEach(function (node) { node.removeAttribute("data-live-kept"); });
  }

  function replaceContent(element, html) {
    var active = document.activeElement;
    var activeId = active && element.contains(active) ? active.id : null;
    var fresh = document.createElement(element.tagName === "TBODY" ? "tbody" : "div");
    fresh.innerHTML = html;
    keepLiveNodes(element, fresh);
    element.replaceChildren.apply(element, Array.prototype.slice.call(fresh.childNodes));
    if (active && !element.contains(active) && activeId) {
      var again = document.getElementById(activeId);
      if (again) { again.focus(); }
    }
  }

  function refresh(element) {
    if (element.dataset.liveBusy) { element.dataset.livePending = "1"; return; }
    element.dataset.liveBusy = "1";
    fetch(element.dataset.liveSrc, {
      credentials: "same-origin",
      headers: Object.assign({ Accept: "text/html" }, BACKGROUND)
    }).then(function (response) {
      if (response.status === 401) { emit("kcc:session", { ended: true }); return null; }
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (html !== null && html !== undefined) {
        replaceContent(element, html);
        announce(element.dataset.liveAnnounce || body.dataset.liveUpdatedText);
        emit("kcc:refreshed", { element: element });
      }
    }).catch(function () { /* the next event or reconnect refreshes again */ }).finally(function () {
      delete element.dataset.liveBusy;
      if (element.dataset.livePending) { delete element.dataset.livePending; refresh(element); }
    });
  }

  // An element refreshes on every event of its topics, or (data-live-kinds) on those kinds only.
  function refreshFollowers(topic, kind) {
    document.querySelectorAll("[data-live-topic][data-live-src]").forEach(function (element) {
      if (topic !== null && element.dataset.liveTopic.split(/\s+/).indexOf(topic) < 0) { return; }
      var kinds = element.dataset.liveKinds ? element.dataset.liveKinds.split(/\s+/) : null;
      if (topic !== null && kinds && kinds.indexOf(kind) < 0) { return; }
      refresh(element);
    });
  }

  // --- The stream ------------------------------------------------------------------------

  function open() {
    var list = topics();
    if (!list.length || !window.EventSource || !body.dataset.liveStreamUrl) { return; }
    var query = list.map(function (t) { return "topic=" + encodeURIComponent(t); });
    if (lastId) { query.push("last_event_id=" + encodeURIComponent(lastId)); }
    source = new EventSource(body.dataset.liveStreamUrl + "?" + query.join("&"));
    source.onmessage = function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      lastId = message.lastEventId || lastId;
      emit("kcc:live", { topic: event.topic, kind: event.kind, data: event.data });
      refreshFollowers(event.topic, event.kind);
    };
    source.addEventListener("session", function (message) {
      var note = {};
      try { note = JSON.parse(message.data); } catch (e) { return; }
      emit("kcc:session", note);
      if (note.ended) { close(); }
    });
    source.addEventListener("resync", function () {
      emit("kcc:live", { topic: null, kind: "resync", data: {} });
      refreshFollowers(null, null);
    });
    source.onerror = function () {
      // The browser retries by itself while the stream is CONNECTING; a refused stream
      // (401, 403) is CLOSED: try again later, and the session check says if it ended.
      if (source && source.readyState === EventSource.CLOSED) {
        close();
        retryTimer = window.setTimeout(open, 15000);
      }
    };
    body.dataset.liveState = "open";
  }

  function close() {
    if (source) { source.close(); source = null; }
    if (retryTimer) { window.clearTimeout(retryTimer); retryTimer = null; }
    body.dataset.liveState = "closed";
  }

  window.KCC_LIVE = { refresh: refresh, close: close, reopen: function () { close(); open(); }, background: BACKGROUND, announce: announce };
  window.addEventListener("pagehide", close);
  open();
})();
