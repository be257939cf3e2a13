/* Agent home: the queue of conversations (unassigned and mine) from the conversations API. */
(function () {
  "use strict";
  var K = window.KCC;
  var t = document.getElementById("queue-texts").dataset;
  function fill(listId, query) {
    var list = document.getElementById(listId);
    K.api("GET", "/api/v1/conversations?" + query).then(function (result) {
      list.textContent = "";
      if (result.status === 404) { list.appendChild(K.el("li", { "class": "note" }, t.missing)); return; }
      if (!result.ok) { list.appendChild(K.el("li", { "class": "alert alert--error" }, t.failed + " " + K.problemText(result))); return; }
      var items = (result.data && result.data.items) || [];
      if (!items.length) { list.appendChild(K.el("li", { "class": "muted" }, t.none)); return; }
      items.forEach(function (c) {
        var li = K.el("li", { "class": "queue__item" });
        li.appendChild(K.el("span", { "class": "badge" }, K.label(c.channel)));
        li.appendChild(document.createTextNode(" " + (c.subject || c.address || "") + " · " + c.message_count + " " + t.messages + " "));
        if (c.party_id) { li.appendChild(K.el("a", { href: "/parties/" + c.party_id }, t.open)); }
        else { li.appendChild(K.el("span", { "class": "muted" }, t.anonymous)); }
        list.appendChild(li);
      });
    }).catch(function () { list.textContent = t.failed; });
  }
  fill("queue-unassigned", "assigned=unassigned");
  fill("queue-mine", "assigned=mine");
})();
