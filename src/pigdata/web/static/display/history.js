// A region's herd and slaughter month by month.
"use strict";

PigData.section("history", async (element, { region, get }) => {
  const months = await get(`/api/v1/stats/regions/${region}/history`);
  const t = PigData.t;
  const series = (name, field, type, axis) => ({
    name: t(name),
    type,
    yAxisIndex: axis,
    data: months.map((m) => m[field]),
  });
  const { drawn } = PigData.chart(element.querySelector(".chart"), {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 64, right: 64, top: 40, bottom: 32 },
    xAxis: { type: "category", data: months.map((m) => m.month) },
    yAxis: [{ type: "value" }, { type: "value" }],
    series: [
      series("fig.inventory", "inventory", "line", 0),
      series("fig.sows", "breeding_sows", "line", 0),
      series("history.sold", "sold_for_slaughter", "bar", 1),
      series("history.slaughtered", "slaughtered", "bar", 1),
    ],
  });
  await drawn;
});
