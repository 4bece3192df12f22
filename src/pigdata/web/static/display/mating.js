// The conservation mating plan (NY/T 3451) of the herdbook's latest animals: its expected
// ΔF, Ne, offspring inbreeding and kinship beside random mating. Government and admin.
"use strict";

PigData.section("mating", async (element, { get }) => {
  if (!PigData.onlyFor(element, ["government", "admin"], "breeding.mating.denied")) return;
  const book = await PigData.herdbook(get);
  if (!book) return;
  const plan = await PigData.api("/api/v1/breeding/mating-plan", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ herdbook: book }),
  });
  const pct = (value) => (value === null ? "—" : `${(value * 100).toFixed(3)} %`);
  const ne = (value) => (value === null ? "—" : PigData.fmt(Math.round(value * 10) / 10));
  PigData.fill(element, {
    rules: plan.rules,
    matings: `${PigData.fmt(plan.matings.length)} (${plan.boars} × ${plan.sows})`,
  });
  PigData.table(element.querySelector("tbody"), [
    [PigData.t("breeding.plan.planned"), plan.delta_f, plan.ne, plan.mean_offspring_inbreeding,
      plan.mean_kinship_next_generation],
    [PigData.t("breeding.plan.random"), plan.random_delta_f, plan.random_ne,
      plan.random_offspring_inbreeding, plan.random_kinship_next_generation],
  ], ([name, deltaF, size, offspring, kinship]) => [name, pct(deltaF), ne(size), pct(offspring), pct(kinship)]);
  element.dataset.state = "shown";
});
