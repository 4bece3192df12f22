// A month's plausibility mismatches (certificates against herd reports), largest first:
// the latest month reported in the token's region. Government and admin tokens.
"use strict";

PigData.section("plausibility", async (element, { get }) => {
  if (!PigData.onlyFor(element, ["government", "admin"], "plausibility.denied")) return;
  const region = PigData.who.scope || "500000";
  const { month } = await get(`/api/v1/stats/regions/${region}/breakdown`);
  PigData.fill(element, { month });
  if (!month) return;
  const mismatches = await get(`/api/v1/animal-health/plausibility?month=${month}`);
  PigData.table(element.querySelector("tbody"), mismatches, (m) => [
    m.premises,
    PigData.t(`rule.${m.rule}`),
    m.reported,
    m.expected,
    m.difference,
  ]);
  if (!mismatches.length) PigData.notice(element, PigData.t("plausibility.none"));
  element.dataset.count = String(mismatches.length);
  element.dataset.state = "shown";
});
