// A farm's own page: its registration and its monthly herd, read with the visitor's token.
// The API answers only for the farm the token belongs to (or a government or admin above it).
"use strict";

PigData.section("farm", async (element) => {
  const code = document.body.dataset.farm;
  const who = PigData.who;
  if (!code) {
    if (who.role === "farm" && who.scope) {
      window.location.replace(`/display/farm/${who.scope}`);
      return;
    }
    element.dataset.state = "denied";
    PigData.notice(element, PigData.t("farm.need_token"));
    return;
  }
  let farm;
  try {
    farm = await PigData.api(`/api/v1/premises/${encodeURIComponent(code)}`);
  } catch (error) {
    if (![401, 403, 404].includes(error.status)) throw error;
    element.dataset.state = "denied";
    PigData.notice(element, PigData.t("farm.denied"));
    for (const part of element.querySelectorAll(".details, h3, .chart")) part.hidden = true;
    return;
  }
  const [reports, township] = await PigData.answers([
    PigData.api(`/api/v1/herd-reports?premises=${encodeURIComponent(code)}&limit=1000`),
    PigData.api(`/api/v1/regions/${farm.township}`),
  ]);
  PigData.fill(element, { ...farm, township: `${township.full_name} (${farm.township})` });
  reports.sort((a, b) => a.month.localeCompare(b.month));
  const line = (key, field) => ({
    name: PigData.t(key),
    type: "line",
    data: reports.map((r) => r[field]),
  });
  const { drawn } = PigData.chart(element.querySelector(".chart"), {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 56, right: 16, top: 40, bottom: 32 },
    xAxis: { type: "category", data: reports.map((r) => r.month) },
    yAxis: { type: "value" },
    series: [line("fig.sows", "breeding_sows"), line("history.sold", "sold_for_slaughter")],
  });
  element.dataset.state = "shown";
  await drawn;
});
