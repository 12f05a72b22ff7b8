// The site's own script (loaded with defer on every page; the CSP forbids inline script).
// Pages mark up behaviour with data attributes; this file wires it.
(function () {
  "use strict";

  // <form data-confirm="Are you sure?">: ask before a status change is sent.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  // Charts: <div class="chart" data-chart="<id of a json_script element>" data-chart-kind="bar|pie|line">
  function drawCharts(root) {
    if (!window.echarts) {
      return;
    }
    root.querySelectorAll("[data-chart]").forEach(function (element) {
      var source = document.getElementById(element.getAttribute("data-chart"));
      if (!source) {
        return;
      }
      var data = JSON.parse(source.textContent);
      var chart = window.echarts.getInstanceByDom(element) || window.echarts.init(element);
      chart.setOption(chartOption(element.getAttribute("data-chart-kind"), data));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  // data: {title, labels: [...], values: ["123.45", ...] (money as strings), series_name}
  function chartOption(kind, data) {
    var values = data.values.map(Number); // drawing only: the page shows the exact amounts
    if (kind === "pie") {
      return {
        tooltip: { trigger: "item" },
        series: [{
          type: "pie",
          radius: "65%",
          name: data.series_name,
          data: data.labels.map(function (label, i) { return { name: label, value: values[i] }; })
        }]
      };
    }
    return {
      tooltip: { trigger: "axis" },
      grid: { left: 8, right: 8, bottom: 8, top: 24, containLabel: true },
      xAxis: { type: "category", data: data.labels, axisLabel: { interval: 0, rotate: data.labels.length > 4 ? 30 : 0 } },
      yAxis: { type: "value" },
      series: [{ type: kind === "line" ? "line" : "bar", name: data.series_name, data: values }]
    };
  }

  // <input data-filter-checks="<id>">: show only the choices (.form-check rows) under that
  // element whose label holds what is typed; in the page, so nothing else typed is lost.
  document.addEventListener("input", function (event) {
    var target = event.target.getAttribute && event.target.getAttribute("data-filter-checks");
    var list = target && document.getElementById(target);
    if (!list) {
      return;
    }
    var wanted = event.target.value.trim().toLowerCase();
    list.querySelectorAll(".form-check").forEach(function (row) {
      row.hidden = wanted !== "" && row.textContent.toLowerCase().indexOf(wanted) === -1;
    });
  });

  // A refused form comes back with an error summary (templates/web/forms/error_summary.html):
  // move the focus to it, so the reader starts from the list of what to fix.
  function focusErrorSummary(root) {
    var summary = root.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts(document);
    focusErrorSummary(document);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    drawCharts(event.target);
    focusErrorSummary(event.target);
  });
})();
