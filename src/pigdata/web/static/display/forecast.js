// The weekly price forecast with its prediction interval after the last weeks of prices,
// and the rolling-origin backtest: MAPE per horizon of the model, naive and seasonal naive.
"use strict";

(() => {
  const HISTORY_SHOWN = 52;

  function option(index, forecast) {
    const t = PigData.t;
    const past = index.weeks.filter((w) => w.price !== null).slice(-HISTORY_SHOWN);
    const weeks = [...past.map((w) => w.week), ...forecast.weeks.map((w) => w.week)];
    const pad = past.map(() => null);
    const round = (v) => Number(v.toFixed(2));
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 48, right: 24, top: 40, bottom: 32 },
      xAxis: { type: "category", data: weeks },
      yAxis: { type: "value", scale: true },
      series: [
        { name: t("forecast.history"), type: "line", showSymbol: false, data: past.map((w) => round(w.price)) },
        // The interval as a band: the low line, and the width stacked on it.
        { name: t("forecast.low"), type: "line", stack: "interval", showSymbol: false, lineStyle: { opacity: 0 },
          data: [...pad, ...forecast.weeks.map((w) => round(w.lower))] },
        { name: t("forecast.high"), type: "line", stack: "interval", showSymbol: false, lineStyle: { opacity: 0 },
          areaStyle: { color: "rgba(31,95,153,0.2)" },
          data: [...pad, ...forecast.weeks.map((w) => round(w.upper - w.lower))] },
        { name: t("forecast.mean"), type: "line", showSymbol: false, lineStyle: { type: "dashed" },
          data: [...pad, ...forecast.weeks.map((w) => round(w.mean))] },
      ],
    };
  }

  function table(element, backtest) {
    const body = element.querySelector("table.backtest tbody");
    body.replaceChildren();
    for (const score of backtest.horizons) {
      const row = body.insertRow();
      row.insertCell().textContent = String(score.horizon);
      for (const value of [score.model, score.naive, score.seasonal_naive]) {
        row.insertCell().textContent = value === null ? "—" : value.toFixed(1);
      }
    }
  }

  PigData.section("forecast", async (element, { region, get }) => {
    const base = `region=${region}&item=live_hog`;
    const [index, forecast, backtest] = await PigData.unlessUnavailable(element, () =>
      PigData.answers([
        get(`/api/v1/market/index?${base}`),
        get(`/api/v1/market/forecast?${base}`),
        get(`/api/v1/market/forecast/backtest?${base}`),
      ]),
    ) || [null, null, null];
    if (!forecast) return;
    PigData.fill(element, {
      model: `${forecast.model} · ${Math.round(forecast.level * 100)} %`,
      origins: backtest.origins,
    });
    table(element, backtest);
    const { drawn } = PigData.chart(element.querySelector(".chart"), option(index, forecast));
    await drawn;
  });
})();
