/* Dashboard: journey funnels (instances per state of each published journey) as SVG bars from the API.
   The URLs come from #funnels (data-journeys-url, data-stats-url with {key} and {number}). */
(function () {
  "use strict";
  var K = window.KCC;
  var t = K.texts("funnel-texts");
  var box = document.getElementById("funnels");
  var NS = "http://www.w3.org/2000/svg";
  var lang = document.documentElement.lang.slice(0, 2);

  function svgEl(tag, attrs, text) {
    var node = document.createElementNS(NS, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = String(text); }
    return node;
  }

  function funnel(title, stats) {
    var states = Object.keys(stats.by_state || {});
    var figure = K.el("figure", { "class": "chart funnel" });
    var id = "funnel-" + stats.journey;
    figure.appendChild(K.el("figcaption", { id: id + "-c" }, title));
    var rowH = 26, width = 640, left = 190, height = Math.max(states.length, 1) * rowH + 10;
    var peak = Math.max.apply(null, states.map(function (s) { return stats.by_state[s]; }).concat([1]));
    var svg = svgEl("svg", { "class": "chart__svg", role: "img", "aria-labelledby": id + "-t", viewBox: "0 0 " + width + " " + height });
    svg.appendChild(svgEl("title", { id: id + "-t" }, title));
    states.forEach(function (s, i) {
      var v = stats.by_state[s];
      var w = (width - left - 60) * v / peak;
      svg.appendChild(svgEl("text", { x: left - 8, y: i * rowH + 20, "text-anchor": "end", "font-size": "12", fill: "#333" }, s));
      var bar = svgEl("rect", { "class": "chart__bar", x: left, y: i * rowH + 6, width: w.toFixed(1), height: rowH - 8, fill: "#01689b" });
      bar.appendChild(svgEl("title", {}, s + ": " + v));
      svg.appendChild(bar);
      svg.appendChild(svgEl("text", { x: (left + w + 6).toFixed(1), y: i * rowH + 20, "font-size": "12", fill: "#333" }, v));
    });
    figure.appendChild(svg);
    var rate = stats.completion_rate === null || stats.completion_rate === undefined ? "—" : Math.round(stats.completion_rate * 100) + "%";
    figure.appendChild(K.el("p", {}, t.completion + ": " + rate + " · " + t.count + ": " + stats.instances));
    var details = K.el("details", { "class": "chart__data" });
    details.appendChild(K.el("summary", {}, t.table));
    var table = details.appendChild(K.el("table"));
    var head = table.appendChild(K.el("thead")).appendChild(K.el("tr"));
    head.appendChild(K.el("th", { scope: "col" }, t.state));
    head.appendChild(K.el("th", { scope: "col" }, t.count));
    var body = table.appendChild(K.el("tbody"));
    states.forEach(function (s) {
      var tr = body.appendChild(K.el("tr"));
      tr.appendChild(K.el("th", { scope: "row" }, s));
      tr.appendChild(K.el("td", {}, stats.by_state[s]));
    });
    figure.appendChild(details);
    return figure;
  }

  K.api("GET", box.dataset.journeysUrl).then(function (r) {
    box.textContent = "";
    if (!r.ok) { box.appendChild(K.el("p", { "class": "note" }, t.failed)); return; }
    var published = (r.data.items || []).filter(function (j) { return j.published_version; });
    if (!published.length) { box.appendChild(K.el("p", {}, t.none)); return; }
    published.forEach(function (j) {
      var title = (j.title && (j.title[lang] || j.title.nl)) || j.key;
      K.api("GET", K.url(box.dataset.statsUrl, { key: j.key, number: j.published_version })).then(function (s) {
        if (s.ok) { box.appendChild(funnel(title + " (" + t.version + " " + j.published_version + ")", s.data)); }
      });
    });
  });
})();
