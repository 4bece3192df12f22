// A region's herd by month from the production-statistics service: pigs on hand and
// breeding sows, hogs sold for slaughter, and how many registered farms reported.
"use strict";

(() => {
  const MONTHS_SHOWN = 24;

  const monthsBefore = (month, count) => {
    const [year, number] = month.split("-").map(Number);
    const index = year * 12 + number - 1 - count;
    return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
  };

  PigData.section("production", async (element, { region, get }) => {
    const t = PigData.t;
    const month = await PigData.latestMonth(element, region, get);
    if (!month) return;
    const first = monthsBefore(month, MONTHS_SHOWN - 1);
    const stats = await get(`/api/v1/stats/production?region=${region}&from=${first}&to=${month}`);
    const months = stats.months;
    // A withheld figure (null, disclosure control) is a gap in the line, never a zero.
    const onHand = (m) => {
      const values = Object.values(m.inventory);
      return values.includes(null) ? null : values.reduce((sum, n) => sum + n, 0);
    };
    const { drawn } = PigData.chart(element.querySelector(".chart"), {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 64, right: 64, top: 40, bottom: 32 },
      xAxis: { type: "category", data: months.map((m) => m.month) },
      yAxis: [{ type: "value" }, { type: "value", max: 100, name: "%" }],
      series: [
        { name: t("fig.inventory"), type: "line", data: months.map(onHand) },
        { name: t("fig.sows"), type: "line", data: months.map((m) => m.inventory.breeding_sows ?? null) },
        { name: t("history.sold"), type: "bar", data: months.map((m) => m.flows.sold_for_slaughter ?? null) },
        { name: t("production.completeness"), type: "line", yAxisIndex: 1, lineStyle: { type: "dotted" },
          data: months.map((m) => m.completeness_pct) },
      ],
    });
    await drawn;
  });
})();
