// The premises inside the zones in force, nearest first: government and admin tokens only
// (the API gives the public the counts, never the premises).
"use strict";

PigData.section("restricted", async (element, { get }) => {
  if (!PigData.onlyFor(element, ["government", "admin"], "health.premises.denied")) return;
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
