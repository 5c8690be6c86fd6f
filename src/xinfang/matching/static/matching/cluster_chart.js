// 涉众事项 monthly chart, drawn by the locally served ECharts from the page's JSON data block.
// A file rather than an inline script: the Content-Security-Policy runs only the app's own files.
(function () {
  "use strict";
  var source = document.getElementById("cluster-data");
  var element = document.getElementById("cluster-chart");
  if (!source || !element || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(element);
  chart.setOption({
    animation: false, tooltip: {trigger: "axis"}, legend: {data: ["件数", "新增信访人", "人次"]},
    xAxis: {type: "category", data: data.months}, yAxis: {type: "value", minInterval: 1},
    series: [{name: "件数", type: "bar", data: data.petitions},
             {name: "新增信访人", type: "bar", data: data.petitioners},
             {name: "人次", type: "line", data: data.person_times}]
  });
})();
