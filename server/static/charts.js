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
    draw("indicator-chart", {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { data: [indicators.labels.value, indicators.labels.baseline], top: 0 },
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
      ]
    }, rows.length * 1.4);
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
})();
