// Headline figures of a region: herd and capacity of its latest month, slaughter, movements.
"use strict";

PigData.section("headline", async (element, { region, get }) => {
  const base = `/api/v1/stats/regions/${region}`;
  const [breakdown, history, overview] = await PigData.answers([
    get(`${base}/breakdown`),
    get(`${base}/history`),
    region === "100000" ? null : get(`/api/v1/stats/overview?region=${region}`),
  ]);
  // A withheld part (null, disclosure control) leaves a sum of parts unknown: "—", never a
  // partial total; the herd comes from the region's own month, judged as a whole.
  const sum = (field) =>
    breakdown.areas.some((area) => area[field] === null)
      ? null
      : breakdown.areas.reduce((total, area) => total + area[field], 0);
  const month = history.find((m) => m.month === breakdown.month);
  PigData.fill(element, {
    inventory: month ? month.inventory : sum("inventory"),
    breeding_sows: month ? month.breeding_sows : sum("breeding_sows"),
    capacity_sows: sum("capacity_sows"),
    farms: sum("farms"),
    reporting_farms: sum("reporting_farms"),
    slaughtered: month ? month.slaughtered : null,
    head_moved: overview ? overview.head_moved_last_30_days : null,
    ledger_size: overview ? overview.ledger_size : null,
    month: breakdown.month || PigData.t("none"),
  });
});
