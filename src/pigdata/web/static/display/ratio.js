// The weekly hog–grain ratio against the reserve plan's bands (below level 3's line is a
// warning, below level 1's the most severe), with the latest week's level.
"use strict";

PigData.section("ratio", async (element, { region, get }) => {
  const t = PigData.t;
  const warnings = await PigData.unlessDenied(element, () =>
    get(`/api/v1/market/warnings?region=${region}`),
  );
  if (!warnings) return;
  PigData.notice(element, warnings.ratio.length ? "" : t("none"));
  const bands = JSON.parse(document.body.dataset.ratioBands);
  const last = warnings.ratio.length ? warnings.ratio[warnings.ratio.length - 1] : null;
  PigData.fill(element, {
    pig_grain: last ? last.ratio.toFixed(2) : null,
    week: last ? last.week : null,
  });
  const level = element.querySelector('[data-field="level"]');
  level.dataset.level = last ? String(last.level || 0) : "";
  level.textContent = last ? t(`level.${last.level || 0}`) : "—";
  const { drawn } = PigData.chart(element.querySelector(".chart"), {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 48, right: 24, top: 40, bottom: 32 },
    xAxis: { type: "category", data: warnings.ratio.map((w) => w.week) },
    yAxis: { type: "value", min: 0 },
    series: [
      {
        name: t("signals.pig_grain"),
        type: "line",
        showSymbol: false,
        data: warnings.ratio.map((w) => Number(w.ratio.toFixed(3))),
        markArea: {
          silent: true,
          label: { position: "insideTopLeft", fontSize: 11 },
          data: [
            [
              { name: t("ratio.band1"), yAxis: 0, itemStyle: { color: "rgba(198,40,40,0.15)" } },
              { yAxis: bands.level1_below },
            ],
            [
              { name: t("ratio.band3"), yAxis: bands.level1_below, itemStyle: { color: "rgba(242,183,5,0.18)" } },
              { yAxis: bands.level3_below },
            ],
          ],
        },
      },
    ],
  });
  await drawn;
});
