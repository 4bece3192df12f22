// A region's farms by yearly output over its last twelve reported months.
"use strict";

PigData.section("sizes", async (element, { region, get }) => {
  const sizes = await get(`/api/v1/stats/regions/${region}/farm-sizes`);
  const zh = PigData.lang === "zh";
  const { drawn } = PigData.chart(element.querySelector(".chart"), {
    tooltip: { trigger: "axis" },
    grid: { left: 48, right: 16, top: 16, bottom: 32 },
    xAxis: { type: "category", data: sizes.classes.map((c) => (zh ? c.zh : c.en)) },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      {
        name: PigData.t("sizes.farms"),
        type: "bar",
        itemStyle: { color: "#1f5f99" },
        data: sizes.classes.map((c) => c.farms),
      },
    ],
  });
  const window = sizes.since ? `${sizes.since} – ${sizes.until}` : PigData.t("none");
  element.querySelector('[data-field="window"]').textContent =
    `${PigData.t("sizes.window")}: ${window} · ${PigData.t("sizes.unreported")}: ` +
    PigData.fmt(sizes.unreported_farms);
  await drawn;
});
