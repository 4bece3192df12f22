// A herdbook's population statistics (public): Ne from individual ΔF and from the numbers
// of sires and dams, the EAAP risk class, mean inbreeding and equivalent generations.
"use strict";

PigData.section("population", async (element, { get }) => {
  const book = await PigData.herdbook(get);
  if (!book) return;
  document.querySelector('h1 [data-field="herdbook"]').textContent = book;
  const p = await get(`/api/v1/breeding/population?herdbook=${encodeURIComponent(book)}`);
  const round = (value) => (value === null ? null : Math.round(value * 10) / 10);
  PigData.fill(element, {
    ne_individual: round(p.ne_individual),
    ne_sex_ratio: round(p.ne_sex_ratio),
    risk: PigData.lang === "zh" ? p.risk_class_zh : p.risk_class,
    mean_inbreeding: p.mean_inbreeding === null ? null : `${(p.mean_inbreeding * 100).toFixed(2)} %`,
    mean_equivalent_generations: round(p.mean_equivalent_generations),
    reference: `${p.reference} (${PigData.fmt(p.reference_size)})`,
    risk_scale: p.risk_scale,
  });
  element.dataset.state = "shown";
});
