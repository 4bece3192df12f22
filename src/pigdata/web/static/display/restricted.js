// The premises inside the zones in force, nearest first, those of the token's own view only
// (a government its region's, a farm itself; the public gets the counts, never the premises).
"use strict";

PigData.section("restricted", async (element, { get }) => {
  if (!PigData.onlyFor(element, ["government", "admin", "farm"], "health.premises.denied")) return;
  const zones = await get("/api/v1/animal-health/zones");
  const premises = zones.flatMap((z) => z.premises);
  premises.sort((a, b) => a.distance_km - b.distance_km || a.premises.localeCompare(b.premises));
  PigData.table(element.querySelector("tbody"), premises, (p) => [
    p.premises,
    PigData.t(`zone.${p.zone}`),
    p.distance_km.toFixed(2),
    p.infected_point,
  ]);
  element.dataset.count = String(premises.length);
  element.dataset.state = "shown";
});
