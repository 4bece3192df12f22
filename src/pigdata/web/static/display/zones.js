// The parts of a region coloured by their capacity zone in the region's latest month (a
// legend names the zones); a click opens the part's drill-down page.
"use strict";

(() => {
  const COLOURS = { green: "#2e7d32", yellow: "#f2b705", red: "#c62828", none: "#c3cad3" };

  const tooltip = (params) => {
    const d = params.data;
    if (!d) return params.name;
    const ratio = d.ratio_pct === null ? "—" : `${d.ratio_pct.toFixed(1)} %`;
    return `${d.name}<br>${PigData.t("signals.zone")}: ${PigData.t(`zone.${d.zone}`)}` +
      `<br>${PigData.t("signals.ratio_pct")}: ${ratio}` +
      `<br>${PigData.t("fig.sows")}: ${PigData.fmt(d.breeding_sows)}`;
  };

  function legend() {
    return {
      type: "piecewise",
      dimension: 0,
      left: 8,
      bottom: 8,
      pieces: Object.entries(COLOURS).map(([zone, color], value) => ({
        value,
        color,
        label: PigData.t(`zone.${zone}`),
      })),
    };
  }

  function option(region, hasMap, parts) {
    const codes = Object.keys(COLOURS);
    const data = parts.map((p) => ({ ...p, value: codes.indexOf(p.zone) }));
    const common = { tooltip: { trigger: "item", formatter: tooltip }, visualMap: legend() };
    if (hasMap) {
      return {
        ...common,
        series: [{ type: "map", map: region, roam: true, label: { show: region !== "100000", fontSize: 10 }, data }],
      };
    }
    // Without a boundary map: bars of the ratio to the normal holding, one series per zone
    // so that the legend names the colours.
    const shown = data.slice().reverse();
    return {
      tooltip: common.tooltip,
      legend: { bottom: 0 },
      grid: { left: 120, right: 24, top: 8, bottom: 48 },
      xAxis: { type: "value", name: "%" },
      yAxis: { type: "category", data: shown.map((p) => p.name) },
      series: codes.map((zone) => ({
        name: PigData.t(`zone.${zone}`),
        type: "bar",
        stack: "zone",
        itemStyle: { color: COLOURS[zone] },
        data: shown.map((p) => (p.zone === zone ? { ...p, value: p.ratio_pct ?? 0 } : null)),
      })),
    };
  }

  PigData.section("zones", async (element, { region, get }) => {
    const breakdown = await get(`/api/v1/stats/regions/${region}/breakdown`);
    // One request for the zones of all the parts (not one capacity request a part).
    const zoned = breakdown.month
      ? await get(`/api/v1/capacity/parts?region=${region}&month=${breakdown.month}`)
      : { parts: [] };
    const byCode = new Map(zoned.parts.map((p) => [p.code, p]));
    const parts = breakdown.areas.map((area) => {
      const current = byCode.get(area.code);
      return {
        ...area,
        zone: (current && current.zone) || "none",
        ratio_pct: current ? current.ratio_pct : null,
      };
    });
    const hasMap = PigData.maps.includes(region);
    if (hasMap) await PigData.useMap(region);
    const { instance, drawn } = PigData.chart(element.querySelector(".chart"), option(region, hasMap, parts));
    instance.off("click");
    instance.on("click", (params) => {
      const code = params.data && params.data.code;
      if (code && params.data.level !== "township") window.location.assign(`/display/region/${code}`);
    });
    await drawn;
  });
})();
