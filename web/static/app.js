// csperf pages: charts, print buttons, confirmations, the form token for
// htmx requests, and upload progress. No inline script anywhere: the
// Content-Security-Policy allows only files from this site.
(function () {
  "use strict";

  function chartOption(c) {
    var pct = c.unit === "%";
    // Several series (the KPI explorer, a goal's progress) get a legend
    // and ECharts' palette; a single one keeps the house colour.
    var many = (c.series || []).length > 1;
    return {
      animation: false,
      legend: many ? { top: 0, type: "scroll" } : undefined,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : (pct ? v + "%" : v); } },
      grid: { left: 56, right: 56, top: many ? 48 : 28, bottom: 48 },
      xAxis: { type: "category", data: c.labels || [], axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", axisLabel: { formatter: pct ? "{value}%" : "{value}" } },
      series: (c.series || []).map(function (s) {
        var out = { name: s.name, type: c.type, data: s.data, smooth: false, connectNulls: false,
          itemStyle: many ? undefined : { color: c.type === "bar" ? "#2f6fb3" : "#c0392b" } };
        if (s.line != null) {
          out.markLine = { symbol: "none", silent: true, lineStyle: { color: "#888", type: "dashed" },
            label: { formatter: s.line + (pct ? "%" : "") }, data: [{ yAxis: s.line }] };
        }
        return out;
      })
    };
  }

  function initCharts(root) {
    if (typeof echarts === "undefined") { return; }
    (root || document).querySelectorAll(".chart[data-chart]").forEach(function (el) {
      if (el.dataset.ready) { return; }
      var c;
      try { c = JSON.parse(el.dataset.chart); } catch (e) { return; }
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(chartOption(c));
      var seriesLinks = (c.series || []).some(function (s) { return s.links; });
      if (c.links || seriesLinks) {
        chart.on("click", function (p) {
          var s = (c.series || [])[p.seriesIndex];
          var href = (s && s.links) ? s.links[p.dataIndex] : (c.links || [])[p.dataIndex];
          if (href) { window.location.href = href; }
        });
      }
      el.dataset.ready = "1";
      window.addEventListener("resize", function () { chart.resize(); });
      window.addEventListener("beforeprint", function () { chart.resize(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    initCharts(document);
    document.addEventListener("click", function (e) {
      var b = e.target.closest(".print-button");
      if (b) { window.print(); }
    });
    document.addEventListener("submit", function (e) {
      var f = e.target;
      if (f.dataset.confirm && !window.confirm(f.dataset.confirm)) {
        e.preventDefault();
        return;
      }
      if (f.classList.contains("upload-form")) {
        var p = f.querySelector(".upload-progress");
        if (p) { p.hidden = false; p.removeAttribute("value"); }
      }
    });
    document.body.addEventListener("htmx:configRequest", function (e) {
      var t = document.body.dataset.csrf;
      if (t) { e.detail.headers["X-CSRF-Token"] = t; }
    });
    document.body.addEventListener("htmx:afterSwap", function (e) { initCharts(e.detail.target); });
    // Upload progress of an import; once the file is sent the bar turns
    // indeterminate while the server checks and writes the rows.
    document.body.addEventListener("htmx:xhr:progress", function (e) {
      var p = e.target.querySelector && e.target.querySelector(".upload-progress");
      if (!p || !e.detail.lengthComputable) { return; }
      p.hidden = false;
      if (e.detail.loaded >= e.detail.total) { p.removeAttribute("value"); } else { p.value = Math.round(100 * e.detail.loaded / e.detail.total); }
    });
  });
})();
