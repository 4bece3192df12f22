// Inbreeding coefficients of the herdbook's animals in classes. The API
// lists animals to government, admin and farm tokens (their own herd), never the public.
"use strict";

(() => {
  const EDGES = [0, 1 / 32, 1 / 16, 1 / 8, 1 / 4];
  const PAGE = 10000;

  // 1/32, 1/16, 1/8, 1/4: offspring of second cousins, first cousins, half sibs, full sibs.
  const classes = () => [
    "F = 0",
    ...["3.125", "6.25", "12.5", "25"].map((pct) => `≤ ${pct} %`),
    "> 25 %",
  ];

  function histogram(values) {
    const counts = new Array(EDGES.length + 1).fill(0);
    for (const f of values) {
      const upper = EDGES.findIndex((edge) => f <= edge);
      counts[upper === -1 ? EDGES.length : upper] += 1;
    }
    return counts;
  }

  async function allRows(book) {
    const rows = [];
    for (let offset = 0; ; offset += PAGE) {
      const query = `herdbook=${encodeURIComponent(book)}&offset=${offset}&limit=${PAGE}`;
      const answer = await PigData.api(`/api/v1/breeding/inbreeding?${query}`);
      rows.push(...answer.rows);
      if (!answer.rows.length || rows.length >= answer.visible) return { answer, rows };
    }
  }

  PigData.section("inbreeding", async (element, { get }) => {
    const book = await PigData.herdbook(get);
    if (!book) return;
    const { answer, rows } = await allRows(book);
    PigData.fill(element, {
      inbred: `${PigData.fmt(answer.inbred)} / ${PigData.fmt(answer.animals)}`,
      max_inbreeding: `${(answer.max_inbreeding * 100).toFixed(2)} %`,
    });
    if (!rows.length) {
      element.querySelector(".chart").hidden = true;
      element.dataset.state = "aggregates";
      PigData.notice(element, PigData.t("breeding.inbreeding.denied"));
      return;
    }
    const { drawn } = PigData.chart(element.querySelector(".chart"), {
      tooltip: { trigger: "axis" },
      grid: { left: 56, right: 16, top: 24, bottom: 40 },
      xAxis: { type: "category", data: classes(), axisLabel: { interval: 0 } },
      yAxis: { type: "value" },
      series: [{ type: "bar", name: PigData.t("breeding.animals"), itemStyle: { color: "#1f5f99" },
        data: histogram(rows.map((r) => r.inbreeding)) }],
    });
    element.dataset.count = String(rows.length);
    element.dataset.state = "shown";
    await drawn;
  });
})();
