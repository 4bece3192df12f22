// The parts of a region on its boundary map (or as bars where no map is shipped), coloured
// by breeding sows; a click (or the parts table, for the keyboard) drills down.
"use strict";

(() => {
  function drill(params) {
    const code = params.data && params.data.code;
    if (code && params.data.level !== "township") {
      window.location.assign(`/display/region/${code}`);
    }
  }

  const tooltip = (params) =>
    params.data
      ? `${params.data.name}<br>${PigData.t("fig.sows")}: ${PigData.fmt(params.data.value)}` +
        `<br>${PigData.t("parts.farms")}: ${PigData.fmt(params.data.farms)}`
      : params.name;

  function mapOption(code, areas) {
    const max = Math.max(1, ...areas.map((a) => a.breeding_sows));
    return {
      tooltip: { trigger: "item", formatter: tooltip },
      visualMap: {
        min: 0,
        max,
        left: 8,
        bottom: 8,
        text: [PigData.fmt(max), "0"],
        calculable: true,
        inRange: { color: ["#e8f1fa", "#1f5f99"] },
      },
      series: [
        {
          type: "map",
          map: code,
          roam: true,
          label: { show: code !== "100000", fontSize: 10 },
          emphasis: { label: { show: true } },
          data: areas.map((a) => ({ name: a.name, value: a.breeding_sows, ...a })),
        },
      ],
    };
  }

  function barOption(areas) {
    const shown = areas.slice().reverse();
    return {
      tooltip: { trigger: "item", formatter: tooltip },
      grid: { left: 120, right: 24, top: 8, bottom: 24 },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: shown.map((a) => a.name) },
      series: [
        {
          type: "bar",
          itemStyle: { color: "#1f5f99" },
          data: shown.map((a) => ({ value: a.breeding_sows, ...a })),
        },
      ],
    };
  }

  PigData.section("map", async (element, { region, get }) => {
    const breakdown = await get(`/api/v1/stats/regions/${region}/breakdown`);
    const target = element.querySelector(".chart");
    const hasMap = PigData.maps.includes(region);
    if (hasMap) await PigData.useMap(region);
    const { instance, drawn } = PigData.chart(
      target,
      hasMap ? mapOption(region, breakdown.areas) : barOption(breakdown.areas),
    );
    instance.off("click");
    instance.on("click", drill);
    await drawn;
  });
})();
