// 统计分析 charts, drawn by the locally served ECharts; the same figures are in the tables below each chart.
(function () {
  "use strict";
  var source = document.getElementById("stats-data");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var font = '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei", sans-serif';
  var palette = ["#b3261e", "#0a58ca", "#1a7f37", "#9a6700", "#8250df", "#bf3989", "#0550ae", "#57606a"];

  function chart(id, option) {
    var element = document.getElementById(id);
    if (!element) { return; }
    var instance = echarts.init(element, null, { renderer: "svg" });
    option.textStyle = { fontFamily: font };
    option.color = palette;
    option.animation = false;
    instance.setOption(option);
    window.addEventListener("resize", function () { instance.resize(); });
  }

  chart("chart-trend", {
    tooltip: { trigger: "axis" },
    legend: { data: ["件数", "人次"], top: 0, left: "center" },
    grid: { left: 48, right: 16, top: 40, bottom: 72 },
    xAxis: { type: "category", data: data.trend.labels, axisLabel: { rotate: 30 } },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: "件数", type: "line", data: data.trend.registered, smooth: false },
      { name: "人次", type: "line", data: data.trend.person_times, smooth: false }
    ]
  });
  chart("chart-channels", {
    tooltip: { trigger: "item", formatter: "{b}：{c} 件（{d}%）" },
    legend: { type: "scroll", orient: "vertical", right: 0, top: "middle" },
    series: [{ type: "pie", radius: ["35%", "65%"], center: ["38%", "50%"], data: data.channels,
               label: { formatter: "{b}\n{d}%" } }]
  });
  chart("chart-categories", {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    grid: { left: 96, right: 24, top: 12, bottom: 24 },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: data.categories.labels.slice().reverse() },
    series: [{ type: "bar", data: data.categories.values.slice().reverse(), label: { show: true, position: "right" } }]
  });
}());
