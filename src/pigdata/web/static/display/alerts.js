// The latest alerts of a region: months its breeding sows changed capacity zone, and weeks
// a price warning level was entered, changed or left; newest first.
"use strict";

(() => {
  const SHOWN = 12;

  function capacityRows(report) {
    const t = PigData.t;
    const zone = (name) => t(`zone.${name}`);
    return report.alerts.map((a) => ({
      when: a.month,
      what: `${t("alerts.capacity")}: ${t("alerts.zone_change")
        .replace("{left}", zone(a.left))
        .replace("{entered}", zone(a.entered))}`,
      value: `${a.ratio_pct.toFixed(1)} %`,
    }));
  }

  function priceRows(warnings) {
    const t = PigData.t;
    return warnings.alerts.map((a) => ({
      when: a.week,
      what:
        `${t(`alerts.${a.side}`)}: ${t(`alerts.${a.event}`)} ` +
        t(`level.${a.event === "left" ? a.previous : a.level}`),
      value: a.side === "downside" ? a.value.toFixed(2) : `${(a.value * 100).toFixed(1)} %`,
    }));
  }

  PigData.section("alerts", async (element, { region, get }) => {
    const breakdown = await get(`/api/v1/stats/regions/${region}/breakdown`);
    const [capacity, warnings] = await PigData.answers([
      breakdown.month
        ? PigData.unlessDenied(element, () =>
            get(`/api/v1/capacity?region=${region}&month=${breakdown.month}`),
          )
        : null,
      PigData.unlessDenied(element, () => get(`/api/v1/market/warnings?region=${region}`)),
    ]);
    const rows = [
      ...(capacity ? capacityRows(capacity) : []),
      ...(warnings ? priceRows(warnings) : []),
    ];
    // Months (YYYY-MM) and weeks (YYYY-MM-DD) sort together as text.
    rows.sort((a, b) => (a.when < b.when ? 1 : a.when > b.when ? -1 : 0));
    const body = element.querySelector("tbody");
    body.replaceChildren();
    for (const row of rows.slice(0, SHOWN)) {
      const tr = body.insertRow();
      for (const field of ["when", "what", "value"]) tr.insertCell().textContent = row[field];
    }
    if (!rows.length && element.dataset.state !== "denied") {
      body.insertRow().insertCell().textContent = PigData.t("none");
    }
  });
})();
