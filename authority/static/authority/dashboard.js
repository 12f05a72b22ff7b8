// The dashboard's burn-down (the CSP forbids inline script: the data comes from a
// json_script element named by data-burndown). Data: {actual: [[iso date, "amount"], ...],
// forecast: [[today, "amount"], [day of exhaustion, "0.00"]] or [], names: {actual,
// forecast}, assumption}. Amounts travel as exact strings; Number() is for drawing only,
// the page prints the exact figures.
(function () {
  "use strict";

  function points(pairs) {
    return pairs.map(function (pair) { return [pair[0], Number(pair[1])]; });
  }

  // The assumption is written on the chart, above the plot: leave it room for as many
  // lines as it wraps to at this width (CJK characters are about twice as wide).
  function lines(text, width) {
    var wide = (text.match(/[\u3000-\u9fff\uff00-\uffef]/g) || []).length;
    return Math.max(1, Math.ceil(((text.length - wide) * 6.5 + wide * 12) / Math.max(width - 16, 200)));
  }

  function option(data, width) {
    return {
      title: {
        text: "",
        subtext: data.assumption,
        left: 0,
        top: 0,
        subtextStyle: { color: "#495057", fontSize: 12, lineHeight: 16, width: Math.max(width - 16, 200), overflow: "break" }
      },
      tooltip: { trigger: "axis" },
      legend: { bottom: 0, left: 0 },
      grid: { left: 8, right: 16, bottom: 32, top: 24 + 16 * lines(data.assumption, width), containLabel: true },
      xAxis: { type: "time" },
      yAxis: { type: "value", min: 0 },
      series: [
        { type: "line", name: data.names.actual, data: points(data.actual), step: "end", showSymbol: false },
        {
          type: "line",
          name: data.names.forecast,
          data: points(data.forecast),
          lineStyle: { type: "dashed" },
          showSymbol: true
        }
      ]
    };
  }

  function draw() {
    if (!window.echarts) {
      return;
    }
    document.querySelectorAll("[data-burndown]").forEach(function (element) {
      var source = document.getElementById(element.getAttribute("data-burndown"));
      if (!source) {
        return;
      }
      var chart = window.echarts.getInstanceByDom(element) || window.echarts.init(element);
      chart.setOption(option(JSON.parse(source.textContent), element.clientWidth));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
