// A farm's sow-herd figures over the twelve months up to its latest report, beside its
// peers' top 10 %, median and bottom 10 % (anonymous; withheld by the API below 5 farms).
"use strict";

(() => {
  const COLUMNS = ["own", "top_10", "median", "bottom_10"];
  const COLOURS = ["#1f5f99", "#2e7d32", "#8796a5", "#b35c00"];

  const label = (column) => PigData.t(`benchmark.${column.replace("_10", "")}`);

  function option(result) {
    const columns = result.benchmarks.length;
    const width = 100 / columns;
    const piece = (b, i) => ({
      grid: { left: `${i * width + 3}%`, width: `${width - 5}%`, top: 48, bottom: 28 },
      xAxis: { gridIndex: i, type: "category", name: PigData.t(`perf.${b.figure}`),
        nameLocation: "middle", nameGap: 10, axisLabel: { show: false },
        data: COLUMNS.map(label) },
      yAxis: { gridIndex: i, type: "value", scale: false, splitNumber: 3 },
      series: {
        type: "bar", xAxisIndex: i, yAxisIndex: i,
        data: COLUMNS.map((c, k) => ({
          value: c === "own" ? result.own.figures[b.figure] : b[c],
          itemStyle: { color: COLOURS[k] },
        })),
        label: { show: true, position: "top", fontSize: 10 },
      },
    });
    const pieces = result.benchmarks.map(piece);
    return {
      tooltip: { trigger: "item" },
      // A legend for the four bars of every figure: coloured squares before their names.
      title: {
        text: COLUMNS.map((c, k) => `{c${k}|■} ${label(c)}`).join("   "),
        textStyle: { fontSize: 12, fontWeight: "normal",
          rich: Object.fromEntries(COLOURS.map((colour, k) => [`c${k}`, { color: colour }])) },
        left: "center",
      },
      grid: pieces.map((p) => p.grid),
      xAxis: pieces.map((p) => p.xAxis),
      yAxis: pieces.map((p) => p.yAxis),
      series: pieces.map((p) => p.series),
    };
  }

  PigData.section("benchmark", async (element, { get }) => {
    const code = document.body.dataset.farm;
    const hide = (key) => {
      element.dataset.state = "denied";
      PigData.notice(element, PigData.t(key));
      for (const part of element.querySelectorAll(".meta, .chart, .table-wrap")) part.hidden = true;
    };
    if (!code) return hide("farm.need_token");
    let reports;
    try {
      reports = await get(`/api/v1/herd-reports?premises=${encodeURIComponent(code)}&limit=1000`);
    } catch (error) {
      if ([401, 403, 404].includes(error.status)) return hide("farm.denied");
      throw error;
    }
    if (!reports.length) return hide("none");
    const month = reports.map((r) => r.month).sort().at(-1);
    const result = await get(`/api/v1/performance/farms/${encodeURIComponent(code)}?month=${month}`);
    PigData.fill(element, {
      window: `${result.window_months} · ${result.month}`,
      peers: `${result.peers_region_name} (${result.peers_region})`,
    });
    PigData.table(element.querySelector("tbody"), result.benchmarks, (b) => [
      `${PigData.t(`perf.${b.figure}`)}`,
      result.own.figures[b.figure], b.top_10, b.median, b.bottom_10, b.farms,
    ]);
    const { drawn } = PigData.chart(element.querySelector(".chart"), option(result));
    element.dataset.state = "shown";
    await drawn;
  });
})();
