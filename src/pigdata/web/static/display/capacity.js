// A region's breeding sows month by month against its normal holding, over the green,
// yellow and red bands of the capacity-regulation rules in force (from /api/v1/capacity).
"use strict";

(() => {
  const BAND_COLOURS = { green: "rgba(46,125,50,0.16)", yellow: "rgba(242,183,5,0.2)", red: "rgba(198,40,40,0.14)" };

  // The bands in head of sows: the rules give them in per cent of the normal holding.
  function bands(report, bottom, top) {
    const b = report.bands;
    const head = (pct) => Math.round((report.normal_holding.sows * pct) / 100);
    const area = (zone, low, high) => [
      { name: PigData.t(`zone.${zone}`), yAxis: low, itemStyle: { color: BAND_COLOURS[zone] } },
      { yAxis: high },
    ];
    return [
      area("red", bottom, head(b.yellow_low)),
      area("yellow", head(b.yellow_low), head(b.green_low)),
      area("green", head(b.green_low), head(b.green_high)),
      area("yellow", head(b.green_high), head(b.yellow_high)),
      area("red", head(b.yellow_high), top),
    ];
  }

  PigData.section("capacity", async (element, { region, get }) => {
    const t = PigData.t;
    const month = await PigData.latestMonth(element, region, get);
    if (!month) return;
    const report = await PigData.unlessDenied(element, () =>
      get(`/api/v1/capacity?region=${region}&month=${month}`),
    );
    if (!report) return;
    const zone = element.querySelector('[data-field="zone"]');
    zone.dataset.zone = report.current.zone || "none";
    zone.textContent = t(`zone.${report.current.zone || "none"}`);
    const holding = report.normal_holding;
    PigData.fill(element, { holding: holding ? holding.sows : null });
    const sows = report.history.map((m) => m.breeding_sows);
    // The axis spans the sows and the bands around the holding, so the line is not flat.
    const top = Math.ceil(Math.max(...sows, holding ? holding.sows * 1.25 : 0));
    const bottom = Math.floor(Math.min(...sows, holding ? holding.sows * 0.75 : 0));
    const series = [
      {
        name: t("fig.sows"),
        type: "line",
        data: sows,
        markArea: holding ? { silent: true, label: { show: false }, data: bands(report, bottom, top) } : undefined,
      },
    ];
    if (holding) {
      series.push({ name: t("capacity.holding"), type: "line", showSymbol: false, lineStyle: { type: "dashed" },
        data: report.history.map(() => holding.sows) });
    }
    const { drawn } = PigData.chart(element.querySelector(".chart"), {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 64, right: 24, top: 40, bottom: 32 },
      xAxis: { type: "category", data: report.history.map((m) => m.month) },
      yAxis: { type: "value", min: bottom, max: top },
      series,
    });
    await drawn;
  });
})();
