/* Agent home: the queue of conversations (unassigned and mine), each list from its data-url,
   filled again when the live stream tells of a change. */
(function () {
  "use strict";
  var K = window.KCC;
  var t = K.texts("queue-texts");
  var queue = document.getElementById("queue");
  var customerUrl = queue.dataset.customerUrl;
  var conversationUrl = queue.dataset.conversationUrl;
  function fill(list) {
    K.api("GET", list.dataset.url).then(function (result) {
      list.textContent = "";
      if (!result.ok) { list.appendChild(K.el("li", { "class": "alert alert--error" }, t.failed + " " + K.problemText(result))); return; }
      var items = (result.data && result.data.items) || [];
      if (!items.length) { list.appendChild(K.el("li", { "class": "muted" }, t.none)); return; }
      items.forEach(function (c) {
        var li = K.el("li", { "class": "queue__item" });
        li.appendChild(K.el("span", { "class": "badge" }, K.label(c.channel)));
        li.appendChild(document.createTextNode(" "));
        // Every conversation opens, known resident or not: read, answer, then identify.
        li.appendChild(K.el("a", { href: K.url(conversationUrl, { conversation_id: c.id }) }, c.subject || c.address || c.id));
        li.appendChild(document.createTextNode(" · " + c.message_count + " " + t.messages + " "));
        if (c.unread) { li.appendChild(K.el("strong", { "class": "badge badge--danger" }, c.unread + " " + t.unread)); li.appendChild(document.createTextNode(" ")); }
        if (c.party_id) { li.appendChild(K.el("a", { href: K.url(customerUrl, { party_id: c.party_id }) }, t.open)); }
        else { li.appendChild(K.el("span", { "class": "muted" }, t.anonymous)); }
        list.appendChild(li);
      });
    }).catch(function () { list.textContent = t.failed; });
  }
  function fillAll() { document.querySelectorAll("#queue .queue").forEach(fill); }
  fillAll();
  // The queue follows its team's and the agent's topics: any change there fills the lists again.
  document.addEventListener("kcc:live", function (event) {
    var topic = event.detail && event.detail.topic;
    if (topic === null || queue.dataset.liveTopic.split(/\s+/).indexOf(topic) >= 0) { fillAll(); }
  });
})();
