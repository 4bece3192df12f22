// A region's farms by annual output (the regional-resources service's classes) over the
// twelve months up to the region's latest reported month.
"use strict";

PigData.section("sizes", async (element, { region, get }) => {
  const t = PigData.t;
  const month = await PigData.latestMonth(element, region, get);
  if (!month) return;
  const resources = await PigData.unlessDenied(element, () =>
    get(`/api/v1/resources?region=${region}&month=${month}`),
  );
  if (!resources) return;
  const classes = Object.entries(resources.farms_by_size).filter(([name]) => name !== "no reports");
  const { drawn } = PigData.chart(element.querySelector(".chart"), {
    tooltip: { trigger: "axis" },
    grid: { left: 48, right: 16, top: 16, bottom: 48 },
    xAxis: {
      type: "category",
      name: t("sizes.class"),
      nameLocation: "middle",
      nameGap: 28,
      axisLabel: { interval: 0, fontSize: 10 },
      data: classes.map(([name]) => name.replace("-", "–")),
    },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: t("sizes.farms"), type: "bar", itemStyle: { color: "#1f5f99" }, data: classes.map(([, n]) => n) },
    ],
  });
  PigData.fill(element, {
    window: `${t("sizes.window")}: ${t("sizes.until")} ${resources.month} · ` +
      `${t("sizes.scale")}: ${PigData.fmt(resources.scale_farms)} · ` +
      `${t("sizes.unreported")}: ${PigData.fmt(resources.farms_by_size["no reports"] ?? 0)}`,
  });
  await drawn;
});
