/* Charts of the county dashboard and the comparison page (ECharts, shipped in vendor/).
   Data comes from <script type="application/json"> islands written by the server. */
(function () {
  "use strict";
  var FONT = '"WenQuanYi Micro Hei", "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif';

  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function draw(elementId, option, rows) {
    var element = document.getElementById(elementId);
    element.style.height = Math.max(220, 70 + rows * 48) + "px";
    // On a phone the category names take at most 38% of the width, and value-axis labels
    // that would overlap are dropped (the bars carry their values).
    var labelWidth = Math.min(260, Math.round(element.clientWidth * 0.38));
    option.yAxis.axisLabel = { width: labelWidth, overflow: "break" };
    option.xAxis.axisLabel = { hideOverlap: true };
    option.xAxis.splitNumber = element.clientWidth < 600 ? 2 : 5;
    option.legend.type = "scroll";
    var chart = echarts.init(element, null, { renderer: "svg" });
    option.textStyle = { fontFamily: FONT };
    option.animation = false;
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function category(row) {
    return row.label;
  }

  var indicators = data("indicator-data");
  if (indicators) {
    var rows = indicators.rows.slice().reverse();
    // the county report also gives the county's own targets (the dashboard does not)
    var hasTarget = Boolean(indicators.labels.target) && rows.some(function (r) { return r.target !== null; });
    var shown = [indicators.labels.value, indicators.labels.baseline];
    if (hasTarget) { shown.push(indicators.labels.target); }
    draw("indicator-chart", {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { data: shown, top: 0 },
      grid: { left: 8, right: 48, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: rows.map(category), axisLabel: { width: 260, overflow: "break" } },
      series: [
        { name: indicators.labels.value, type: "bar", itemStyle: { color: "#2e7d5b" },
          data: rows.map(function (r) {
            return { value: r.value, itemStyle: { color: r.meets === false ? "#c0392b" : "#2e7d5b" } };
          }), label: { show: true, position: "right" } },
        { name: indicators.labels.baseline, type: "bar", data: rows.map(function (r) { return r.baseline; }),
          itemStyle: { color: "#9aa5b1" }, label: { show: true, position: "right" } }
      ].concat(hasTarget ? [
        { name: indicators.labels.target, type: "bar", data: rows.map(function (r) { return r.target; }),
          itemStyle: { color: "#1f5f99" }, label: { show: true, position: "right" } }
      ] : [])
    }, rows.length * (hasTarget ? 1.9 : 1.4));
  }

  // The county report: each indicator's observed values by year, the national baseline and
  // the county's own targets, one small chart per indicator (their units differ).
  var history = data("indicator-history-data");
  if (history) {
    var grid = document.getElementById("indicator-history");
    history.indicators.forEach(function (ind) {
      var box = document.createElement("div");
      grid.appendChild(box);
      var years = ind.years.slice();
      ind.targets.forEach(function (t) { if (t[0] && years.indexOf(t[0]) < 0) { years.push(t[0]); } });
      years.sort();
      var observed = years.map(function (y) { var i = ind.years.indexOf(y); return i < 0 ? null : ind.values[i]; });
      var targets = years.map(function (y) {
        var found = ind.targets.filter(function (t) { return t[0] === y; });
        return found.length ? found[0][1] : null;
      });
      var series = [
        { name: history.labels.value, type: "line", data: observed, connectNulls: true,
          itemStyle: { color: "#2e7d5b" }, label: { show: true, position: "top" } },
        { name: history.labels.target, type: "scatter", data: targets, symbol: "diamond", symbolSize: 11,
          itemStyle: { color: "#1f5f99" }, label: { show: true, position: "top" } }
      ];
      if (ind.baseline !== null) {
        series.push({ name: history.labels.baseline, type: "line", data: years.map(function () { return ind.baseline; }),
                      symbol: "none", lineStyle: { type: "dashed", color: "#9aa5b1" }, itemStyle: { color: "#9aa5b1" } });
      }
      var chart = echarts.init(box, null, { renderer: "svg" });
      chart.setOption({
        textStyle: { fontFamily: FONT }, animation: false,
        title: { text: ind.label, textStyle: { fontSize: 12, fontWeight: "normal", width: box.clientWidth - 16, overflow: "truncate" }, left: 4, top: 0 },
        tooltip: { trigger: "axis" },
        legend: { top: 22, itemWidth: 14, textStyle: { fontSize: 10 } },
        grid: { left: 8, right: 16, top: 58, bottom: 4, containLabel: true },
        xAxis: { type: "category", data: years, boundaryGap: true },
        yAxis: { type: "value", scale: true, splitNumber: 3 },
        series: series
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  // The county report: the system's size edition by edition (system time).
  var editions = data("edition-trend-data");
  if (editions) {
    var element = document.getElementById("edition-trend");
    element.style.height = "260px";
    var trend = echarts.init(element, null, { renderer: "svg" });
    var x = editions.points.map(function (p) { return "#" + p.edition + " " + p.date; });
    function line(key, colour) {
      return { name: editions.labels[key], type: "line", step: "end", data: editions.points.map(function (p) { return p[key]; }),
               itemStyle: { color: colour }, label: { show: editions.points.length <= 12, position: "top" } };
    }
    trend.setOption({
      textStyle: { fontFamily: FONT }, animation: false,
      tooltip: { trigger: "axis" }, legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: x, axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", minInterval: 1 },
      series: [line("standards", "#1d2733"), line("in_force", "#2e7d5b"), line("covered", "#d9822b")]
    });
    window.addEventListener("resize", function () { trend.resize(); });
  }

  var compare = data("compare-data");
  if (compare) {
    var palette = ["#1f5f99", "#d9822b", "#2e7d5b", "#8e44ad"];
    var names = compare.indicators.map(category).reverse();
    var series = compare.counties.map(function (county, i) {
      return { name: county, type: "bar", itemStyle: { color: palette[i % palette.length] },
               label: { show: true, position: "right" },
               data: compare.indicators.map(function (r) { return r.values[i]; }).reverse() };
    });
    series.push({ name: compare.baseline, type: "bar", itemStyle: { color: "#9aa5b1" },
                  label: { show: true, position: "right" },
                  data: compare.indicators.map(function (r) { return r.baseline; }).reverse() });
    draw("compare-chart", {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 48, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: names, axisLabel: { width: 260, overflow: "break" } },
      series: series
    }, names.length * (compare.counties.length + 1) * 0.6);
  }

  // A standard's neighbourhood (resource page): the graph series, the standard in the middle.
  var hood = data("neighbourhood-data");
  if (hood) {
    var colours = ["#b03a2e", "#d9822b", "#1f5f99", "#6c8ebf", "#2e7d5b", "#8e44ad", "#1d2733"];
    var element = document.getElementById("neighbourhood-chart");
    element.style.height = Math.max(340, Math.min(640, 200 + hood.nodes.length * 24)) + "px";
    var graph = echarts.init(element, null, { renderer: "svg" });
    var narrow = element.clientWidth < 600;
    // Deterministic radial layout: the standard in the middle, its neighbours evenly on a
    // circle (grouped by relation), labels pointing away from the centre.
    var others = hood.nodes.length - 1;
    var side = narrow ? 100 : 260;
    // Coordinates spread over the drawing box's own proportions, so ECharts maps them without
    // stretching the symbols.
    var halfW = (element.clientWidth - 2 * side) / 2, halfH = (parseFloat(element.style.height) - 90) / 2;
    var data = hood.nodes.map(function (n, i) {
      if (n.centre) {
        return { id: n.id, name: n.name, category: n.category, href: n.href, x: 0, y: 0,
                 symbolSize: 34, label: { show: true, position: "bottom", fontWeight: "bold",
                                          width: narrow ? 160 : 260, overflow: "truncate" } };
      }
      var angle = -Math.PI / 2 + 2 * Math.PI * (i - 1) / others;
      var left = Math.cos(angle) < -0.01;
      return { id: n.id, name: n.name, category: n.category, href: n.href,
               x: Math.cos(angle) * halfW, y: Math.sin(angle) * halfH, symbolSize: 18,
               label: { show: true, position: left ? "left" : "right",
                        width: narrow ? 90 : 220, overflow: "truncate" } };
    });
    graph.setOption({
      textStyle: { fontFamily: FONT },
      animation: false,
      tooltip: { formatter: function (p) { return p.dataType === "edge" ? p.data.label : p.name; } },
      legend: { data: hood.categories, top: 0, type: "scroll" },
      series: [{
        type: "graph", layout: "none", roam: true, top: 50, bottom: 40,
        left: side, right: side,
        categories: hood.categories.map(function (name, i) {
          return { name: name, itemStyle: { color: colours[i % colours.length] } };
        }),
        data: data,
        links: hood.links.map(function (l) {
          return { source: l.source, target: l.target, label: l.label };
        }),
        edgeSymbol: ["none", "arrow"], edgeSymbolSize: 7,
        lineStyle: { color: "#9aa5b1", width: 1.2 },
        emphasis: { focus: "adjacency" }
      }]
    });
    graph.on("click", function (p) { if (p.dataType === "node" && p.data.href) { window.location.href = p.data.href; } });
    window.addEventListener("resize", function () { graph.resize(); });
  }
})();
