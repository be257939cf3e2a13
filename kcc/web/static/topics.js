// The topic picker (search as you type, suggestions in one click) and "insert into reply".
// A form with a picker sends the chosen topics' ids: KCC_TOPICS.chosen(form, name).
(function () {
  "use strict";
  if (window.KCC_TOPICS) { return; }  // a page may list the script twice (a panel asks for it too)

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
    remove.setAttribute("aria-label", (picker.dataset.removeLabel || "\u00d7 {topic}").replace("{topic}", name));
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
      } else if (e.key === "Enter" && input.value.trim()) {
        e.preventDefault();  // a search term, not the end of the form: choose an option first
      }
    });
    input.addEventListener("blur", close);
    picker.addEventListener("click", function (e) {
      var add = e.target.closest("[data-add-topic]");
      if (add) {
        chip(picker, add.dataset.addTopic, add.dataset.topicName);
        add.disabled = true;
        input.focus();
      }
      var remove = e.target.closest("[data-remove-topic]");
      if (remove) {
        var id = remove.closest("li").querySelector("input").value;
        remove.closest("li").remove();
        var offered = picker.querySelector('[data-add-topic="' + id + '"]');
        if (offered) { offered.disabled = false; }
        input.focus();
      }
    });
    var form = picker.closest("form");
    if (form) {
      // A registered form starts again empty: no topics chosen, no suggestions left over.
      form.addEventListener("reset", function () {
        picker.querySelector(".topic-picker__chosen").textContent = "";
        if (picker.dataset.suggestFrom) { suggested(picker, []); }
      });
    }
    if (picker.dataset.suggestFrom) { suggestFrom(picker); }
  }

  function suggested(picker, items) {
    var box = picker.querySelector("[data-suggested]");
    var list = box.querySelector("[data-suggestion-list]");
    var english = picker.dataset.language === "en";
    list.textContent = "";
    items.forEach(function (s) {
      var name = english ? s.name_en : s.name_nl;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button--secondary";
      button.dataset.addTopic = s.topic_id;
      button.dataset.topicName = name;
      button.textContent = name;
      button.disabled = !!picker.querySelector('.topic-picker__chosen input[value="' + s.topic_id + '"]');
      var reason = document.createElement("span");
      reason.className = "muted";
      reason.textContent = "(" + (picker.dataset.matchedLabel || "{words}").replace("{words}", (s.matched || []).join(", ")) + ")";
      list.appendChild(button);
      list.appendChild(document.createTextNode(" "));
      list.appendChild(reason);
      list.appendChild(document.createTextNode(" "));
    });
    box.hidden = items.length === 0;
  }

  // Suggestions for what the agent writes down of the resident's question, as they type.
  function suggestFrom(picker) {
    var field = document.getElementById(picker.dataset.suggestFrom);
    if (!field) return;
    var timer = null;
    var asked = "";
    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var text = field.value.trim();
        if (text === asked) return;
        asked = text;
        if (!/[0-9A-Za-z\u00c0-\u024f]{3}/.test(text)) { suggested(picker, []); return; }
        var meta = document.querySelector('meta[name="csrf-token"]');
        fetch(picker.dataset.suggestUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { Accept: "application/json", "Content-Type": "application/json",
            "X-CSRF-Token": meta ? meta.getAttribute("content") : "" },
          body: JSON.stringify({ text: text.slice(0, 10000), limit: 3 })
        }).then(function (r) { return r.ok ? r.json() : { items: [] }; })
          .then(function (page) { if (field.value.trim() === text) { suggested(picker, page.items || []); } });
      }, 300);
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

  window.KCC_TOPICS = {
    chosen: function (form, name) {
      return Array.prototype.map.call(
        form.querySelectorAll('.topic-picker__chosen input[name="' + name + '"]'),
        function (field) { return field.value; });
    }
  };

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-topic-picker]").forEach(setup);
  });
})();
