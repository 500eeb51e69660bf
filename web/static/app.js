// csperf pages: charts, print buttons, confirmations, the form token for
// htmx requests, and upload progress. No inline script anywhere: the
// Content-Security-Policy allows only files from this site.
(function () {
  "use strict";

  // A value as the tables show it: the server's text for the point when
  // it sends one (its own rounding and unit, "4.5 h", "12.50%"), else at
  // most two decimals. Never the float that only places the point.
  function shown(v, pct) {
    if (v == null || typeof v !== "number" || isNaN(v)) { return "—"; }
    var t = Number.isInteger(v) ? String(v) : v.toFixed(2);
    return pct ? t + "%" : t;
  }
  function pointText(c, si, di, v) {
    var s = (c.series || [])[si];
    var t = s && s.text ? s.text[di] : null;
    return t != null && t !== "" ? t : shown(v, c.unit === "%");
  }
  function esc(t) { return echarts.format.encodeHTML(String(t)); }

  function chartOption(c) {
    var pct = c.unit === "%";
    // Several series (the KPI explorer, a goal's progress) get a legend
    // and ECharts' palette; a single one keeps the house colour.
    var many = (c.series || []).length > 1;
    return {
      animation: false,
      legend: many ? { top: 0, type: "scroll" } : undefined,
      tooltip: { trigger: "axis", className: "chart-tip", formatter: function (ps) {
        ps = [].concat(ps || []);
        if (!ps.length) { return ""; }
        var lines = [esc(ps[0].axisValueLabel != null ? ps[0].axisValueLabel : ps[0].name)];
        ps.forEach(function (p) {
          lines.push(p.marker + esc(p.seriesName) + "&nbsp;&nbsp;<b>" + esc(pointText(c, p.seriesIndex, p.dataIndex, p.value)) + "</b>");
        });
        return lines.join("<br>");
      } },
      grid: { left: 56, right: 56, top: many ? 48 : 28, bottom: 48 },
      xAxis: { type: "category", data: c.labels || [], axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", axisLabel: { formatter: pct ? "{value}%" : "{value}" } },
      series: (c.series || []).map(function (s) {
        var out = { name: s.name, type: c.type, data: s.data, smooth: false, connectNulls: false,
          itemStyle: many ? undefined : { color: c.type === "bar" ? "#2f6fb3" : "#c0392b" } };
        if (s.line != null) {
          out.markLine = { symbol: "none", silent: true, lineStyle: { color: "#888", type: "dashed" },
            label: { formatter: s.line_text || shown(s.line, pct) }, data: [{ yAxis: s.line }] };
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

  // The running sum of a template's item weights, exact: weights may be
  // decimals or fractions ("100/3"). Only a help while typing; the server
  // checks the sum exactly.
  function parseWeight(t) {
    t = (t || "").trim().replace(/%$/, "");
    if (t === "") { return [0n, 1n]; }
    var m = /^(-?\d+)\/(\d+)$/.exec(t);
    if (m) { return m[2] === "0" ? null : [BigInt(m[1]), BigInt(m[2])]; }
    m = /^(-?)(\d*)(?:\.(\d+))?$/.exec(t);
    if (!m || (m[2] === "" && !m[3])) { return null; }
    var frac = m[3] || "";
    var num = BigInt((m[2] || "0") + frac), den = 10n ** BigInt(frac.length);
    return [m[1] === "-" ? -num : num, den];
  }
  function gcd(a, b) { a = a < 0n ? -a : a; while (b) { var t = a % b; a = b; b = t; } return a; }
  function updateWeightSum(root) {
    (root || document).querySelectorAll("[data-weight-sum]").forEach(function (out) {
      var form = out.closest("form");
      if (!form) { return; }
      var n = 0n, d = 1n, bad = false;
      form.querySelectorAll("input.weight").forEach(function (i) {
        var w = parseWeight(i.value);
        if (!w) { bad = true; return; }
        n = n * w[1] + w[0] * d; d = d * w[1];
        var g = gcd(n, d) || 1n; n /= g; d /= g;
      });
      if (bad) { out.textContent = "?"; return; }
      out.textContent = d === 1n ? n.toString() : (Number(n * 100n / d) / 100).toFixed(2) + " (" + n + "/" + d + ")";
      out.classList.toggle("bad-sum", !(n === 100n && d === 1n));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    initCharts(document);
    updateWeightSum(document);
    document.addEventListener("input", function (e) {
      if (e.target.classList && e.target.classList.contains("weight")) { updateWeightSum(document); }
    });
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
    document.body.addEventListener("htmx:afterSwap", function (e) { initCharts(e.detail.target); updateWeightSum(document); });
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
