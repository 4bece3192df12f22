// The region's capacity zone and its latest prices: live-hog price and index, the hog–grain
// ratio and the reserve plan's warning level (all from the public API).
"use strict";

PigData.section("signals", async (element, { region, get }) => {
  const t = PigData.t;
  const breakdown = await get(`/api/v1/stats/regions/${region}/breakdown`);
  const [capacity, index, warnings] = await PigData.answers([
    breakdown.month
      ? PigData.unlessDenied(element, () =>
          get(`/api/v1/capacity?region=${region}&month=${breakdown.month}`),
        )
      : null,
    PigData.unlessDenied(element, () => get(`/api/v1/market/index?region=${region}`)),
    PigData.unlessDenied(element, () => get(`/api/v1/market/warnings?region=${region}`)),
  ]);
  const current = capacity ? capacity.current : null;
  const indexed = index ? index.weeks.filter((w) => w.index !== null) : [];
  const week = indexed.length ? indexed[indexed.length - 1] : null;
  const ratio = warnings && warnings.ratio.length ? warnings.ratio[warnings.ratio.length - 1] : null;
  const decimals = (value, places) => (value === null || value === undefined ? null : value.toFixed(places));
  PigData.fill(element, {
    ratio_pct: current && current.ratio_pct !== null ? `${decimals(current.ratio_pct, 1)} %` : null,
    hog: week ? decimals(week.price, 2) : null,
    index: week ? decimals(week.index, 1) : null,
    pig_grain: ratio ? decimals(ratio.ratio, 2) : null,
    zone_month: current ? current.month : null,
    week: ratio ? ratio.week : null,
  });
  const zone = element.querySelector('[data-field="zone"]');
  zone.dataset.zone = current ? current.zone || "none" : "";
  zone.textContent = current ? t(`zone.${current.zone || "none"}`) : "—";
  const level = element.querySelector('[data-field="level"]');
  level.dataset.level = ratio ? String(ratio.level || 0) : "";
  level.textContent = ratio ? t(`level.${ratio.level || 0}`) : "—";
});
