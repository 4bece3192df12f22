// A region's weekly average price and its chain-linked index (base = 100). On the market
// page the item and region are chosen with the section's selectors; elsewhere it is the
// live-hog price of the page's region.
"use strict";

(() => {
  function option(index) {
    const t = PigData.t;
    const line = (name, field, axis) => ({
      name: t(name),
      type: "line",
      yAxisIndex: axis,
      showSymbol: false,
      connectNulls: false,
      data: index.weeks.map((w) => (w[field] === null ? null : Number(w[field].toFixed(2)))),
    });
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 56, right: 56, top: 40, bottom: 32 },
      xAxis: { type: "category", data: index.weeks.map((w) => w.week) },
      yAxis: [
        { type: "value", scale: true },
        { type: "value", scale: true },
      ],
      series: [line("prices.price", "price", 0), line("prices.index", "index", 1)],
    };
  }

  async function draw(element, region, item, get) {
    const index = await PigData.unlessDenied(element, () =>
      get(`/api/v1/market/index?region=${region}&item=${item}`),
    );
    if (!index) return;
    PigData.notice(element, index.weeks.length ? "" : PigData.t("none"));
    const target = element.querySelector(".chart");
    target.dataset.item = item;
    target.dataset.region = region;
    const { drawn } = PigData.chart(target, option(index));
    await drawn;
  }

  PigData.section("prices", async (element, { region, get }) => {
    const form = element.querySelector("form");
    if (!form) return draw(element, region, "live_hog", get);
    const redraw = () => {
      element.dataset.state = "drawing";
      draw(element, form.region.value, form.item.value, PigData.api)
        .then(() => {
          if (element.dataset.state !== "denied") element.dataset.state = "drawn";
        })
        .catch((error) => {
          element.dataset.state = "error";
          PigData.notice(element, `${PigData.t("error.load")}: ${error.message}`);
        });
    };
    if (!form.dataset.bound) {
      form.dataset.bound = "1";
      form.addEventListener("change", redraw);
    }
    await draw(element, form.region.value, form.item.value, get);
    if (element.dataset.state !== "denied") element.dataset.state = "drawn";
  });
})();
