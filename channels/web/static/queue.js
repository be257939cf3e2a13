/* Agent home: the queue of conversations (unassigned and mine), each list from its data-url. */
(function () {
  "use strict";
  var K = window.KCC;
  var t = K.texts("queue-texts");
  var customerUrl = document.getElementById("queue").dataset.customerUrl;
  function fill(list) {
    K.api("GET", list.dataset.url).then(function (result) {
      list.textContent = "";
      if (!result.ok) { list.appendChild(K.el("li", { "class": "alert alert--error" }, t.failed + " " + K.problemText(result))); return; }
      var items = (result.data && result.data.items) || [];
      if (!items.length) { list.appendChild(K.el("li", { "class": "muted" }, t.none)); return; }
      items.forEach(function (c) {
        var li = K.el("li", { "class": "queue__item" });
        li.appendChild(K.el("span", { "class": "badge" }, K.label(c.channel)));
        li.appendChild(document.createTextNode(" " + (c.subject || c.address || "") + " · " + c.message_count + " " + t.messages + " "));
        if (c.party_id) { li.appendChild(K.el("a", { href: K.url(customerUrl, { party_id: c.party_id }) }, t.open)); }
        else { li.appendChild(K.el("span", { "class": "muted" }, t.anonymous)); }
        list.appendChild(li);
      });
    }).catch(function () { list.textContent = t.failed; });
  }
  document.querySelectorAll("#queue .queue").forEach(fill);
})();
