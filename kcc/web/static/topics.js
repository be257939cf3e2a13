// The topic picker (search as you type, suggestions in one click) and "insert into reply".
(function () {
  "use strict";

  function chip(picker, id, name) {
    var list = picker.querySelector(".topic-picker__chosen");
    if (list.querySelector('input[value="' + id + '"]')) return;
    var item = document.createElement("li");
    var field = document.createElement("input");
    field.type = "hidden";
    field.name = picker.dataset.name;
    field.value = id;
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "link-button";
    remove.setAttribute("data-remove-topic", "");
    remove.setAttribute("aria-label", "\u00d7 " + name);
    remove.textContent = "\u00d7";
    item.appendChild(field);
    item.appendChild(document.createTextNode(name + " "));
    item.appendChild(remove);
    list.appendChild(item);
  }

  function setup(picker) {
    var input = picker.querySelector("input[type=search]");
    var options = picker.querySelector("[role=listbox]");
    var timer = null;
    var active = -1;

    function close() {
      options.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function choose(option) {
      chip(picker, option.dataset.id, option.textContent);
      input.value = "";
      close();
      input.focus();
    }

    function show(items) {
      options.textContent = "";
      items.slice(0, 10).forEach(function (topic, i) {
        var option = document.createElement("li");
        option.id = picker.dataset.name + "-option-" + i;
        option.setAttribute("role", "option");
        option.dataset.id = topic.id;
        option.textContent = picker.dataset.language === "en" ? topic.name_en : topic.name_nl;
        option.addEventListener("mousedown", function (e) { e.preventDefault(); choose(option); });
        options.appendChild(option);
      });
      options.hidden = items.length === 0;
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
    }

    function move(step) {
      var all = options.querySelectorAll("[role=option]");
      if (!all.length) return;
      if (active >= 0) all[active].setAttribute("aria-selected", "false");
      active = (active + step + all.length) % all.length;
      all[active].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", all[active].id);
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (!/[0-9A-Za-z\u00c0-\u024f]/.test(q)) { close(); return; }
      timer = setTimeout(function () {
        fetch(picker.dataset.source + "?limit=10&q=" + encodeURIComponent(q), {
          headers: { Accept: "application/json" }, credentials: "same-origin"
        }).then(function (r) { return r.ok ? r.json() : { items: [] }; })
          .then(function (page) { show(page.items || []); });
      }, 150);
    });
    // Letters typed before the script was ready are searched for too.
    if (input.value.trim()) { input.dispatchEvent(new Event("input")); }
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); move(1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); move(-1); }
      else if (e.key === "Escape") { close(); }
      else if (e.key === "Enter" && active >= 0) {
        e.preventDefault();
        choose(options.querySelectorAll("[role=option]")[active]);
      }
    });
    input.addEventListener("blur", close);
    picker.addEventListener("click", function (e) {
      var add = e.target.closest("[data-add-topic]");
      if (add) { chip(picker, add.dataset.addTopic, add.dataset.topicName); add.disabled = true; }
      var remove = e.target.closest("[data-remove-topic]");
      if (remove) { remove.closest("li").remove(); input.focus(); }
    });
  }

  // An answer goes into the reply box of the page (a textarea marked data-reply), or to the
  // clipboard when the page has none.
  document.addEventListener("click", function (e) {
    var button = e.target.closest("[data-insert-answer]");
    if (!button) return;
    var text = document.getElementById(button.dataset.insertAnswer)
      .querySelector("[data-answer-text]").textContent.trim();
    var reply = document.querySelector("textarea[data-reply]");
    if (reply) {
      reply.value = reply.value ? reply.value + "\n\n" + text : text;
      reply.focus();
    } else if (navigator.clipboard) {
      navigator.clipboard.writeText(text);
    }
    document.dispatchEvent(new CustomEvent("kcc:insert-answer", { detail: { text: text } }));
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-topic-picker]").forEach(setup);
  });
})();
