/* The approval queue: approve or decline an offer through the suggestions API, then take it
   off the list and say what happened. Every URL comes from the page's markup (data-url). */
(function () {
  "use strict";
  var K = window.KCC;
  var t = K.texts("approval-texts");
  var out = document.getElementById("approval-result");

  function fill(text, button) {
    return text.replace("{service}", button.dataset.service).replace("{resident}", button.dataset.resident);
  }

  document.querySelectorAll(".js-approval").forEach(function (button) {
    button.addEventListener("click", function () {
      var item = button.closest("li");
      var buttons = item.querySelectorAll("button");
      buttons.forEach(function (b) { b.disabled = true; });
      item.setAttribute("aria-busy", "true");
      K.api("POST", button.dataset.url, {}).then(function (r) {
        item.removeAttribute("aria-busy");
        if (!r.ok) {
          buttons.forEach(function (b) { b.disabled = false; });
          out.textContent = t.failed + " " + K.problemText(r);
          button.focus();
          return;
        }
        var list = item.parentNode;
        var next = item.nextElementSibling || item.previousElementSibling;
        item.remove();
        out.textContent = fill(t[button.dataset.action], button);
        if (!list.children.length) {
          var empty = document.createElement("p");
          empty.textContent = t.empty;
          list.replaceWith(empty);
        }
        var target = next && next.querySelector("button");
        (target || out).focus();
      });
    });
  });
})();
