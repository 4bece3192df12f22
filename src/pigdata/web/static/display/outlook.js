// Expected market hogs per month after the last month of herd reports. Callers outside a
// region with fewer than five reporting farms are refused: the section says so, as it
// does where too few herd reports exist.
"use strict";

PigData.section("outlook", async (element, { region, get }) => {
  const t = PigData.t;
  const outlook = await PigData.unlessUnavailable(element, () =>
    PigData.unlessDenied(element, () => get(`/api/v1/market/outlook?region=${region}`)),
  );
  if (!outlook) return;
  const { drawn } = PigData.chart(element.querySelector(".chart"), {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 64, right: 24, top: 40, bottom: 32 },
    xAxis: { type: "category", data: outlook.months.map((m) => m.month) },
    yAxis: { type: "value" },
    series: [
      { name: t("outlook.expected"), type: "bar", data: outlook.months.map((m) => Math.round(m.expected)) },
    ],
  });
  await drawn;
});
