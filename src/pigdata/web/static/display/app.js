// The display centre's shared script: the visitor's token and role, the API, the words of
// the page's language, and the sections of the page (each from its own script).
// A section is registered with PigData.section(name, run); run(element, context) draws it
// and resolves once its charts have finished drawing.
"use strict";

(() => {
  const TOKEN_KEY = "pigdata.token";
  const body = document.body;
  const messages = JSON.parse(document.getElementById("messages").textContent);
  const lang = body.dataset.lang;
  const numbers = new Intl.NumberFormat(lang === "zh" ? "zh-CN" : "en");
  const sections = new Map();

  class ApiError extends Error {
    constructor(status, detail) {
      super(detail);
      this.status = status;
    }
  }

  const t = (key) => (key in messages ? messages[key] : key);
  const fmt = (value) => (value === null || value === undefined ? "—" : numbers.format(value));
  const token = () => sessionStorage.getItem(TOKEN_KEY);

  async function api(path, options = {}) {
    const headers = new Headers(options.headers || {});
    const secret = options.token ?? token();
    if (secret) headers.set("Authorization", `Bearer ${secret}`);
    const response = await fetch(path, { ...options, headers });
    if (!response.ok) {
      let detail = response.statusText;
      try {
        detail = (await response.json()).detail || detail;
      } catch {
        // not a problem+json answer: keep the status text
      }
      throw new ApiError(response.status, detail);
    }
    return options.raw ? response : response.json();
  }

  // Draws an ECharts option into an element; resolves when the chart has finished drawing.
  function chart(element, option) {
    const instance =
      echarts.getInstanceByDom(element) ||
      echarts.init(element, null, { locale: lang === "zh" ? "ZH" : "EN" });
    const drawn = new Promise((resolve) => instance.on("finished", resolve));
    instance.setOption({ animation: false, aria: { enabled: true }, ...option }, true);
    return { instance, drawn };
  }

  function fill(root, values) {
    for (const [field, value] of Object.entries(values)) {
      const target = root.querySelector(`[data-field="${field}"]`);
      if (target) target.textContent = typeof value === "number" ? fmt(value) : value ?? "—";
    }
  }

  function notice(element, text) {
    const box = element.querySelector(".notice");
    if (!box) return;
    box.textContent = text;
    box.hidden = !text;
  }

  // --- boundary maps and refusals, shared by the map sections ---
  const registeredMaps = new Set();

  // Registers a region's boundary map with ECharts once (served by the node itself).
  async function useMap(code) {
    if (registeredMaps.has(code)) return;
    const response = await fetch(`${body.dataset.static}/vendor/geo/${code}.json`);
    if (!response.ok) throw new Error(`map ${code}: ${response.status}`);
    echarts.registerMap(code, await response.json());
    registeredMaps.add(code);
  }

  // Waits for every one of a section's requests to be answered, then gives their results
  // or throws the first refusal. Promise.all would throw at the first refusal while the
  // others are still in flight, so the page would call itself drawn before it is.
  async function answers(requests) {
    const settled = await Promise.allSettled(requests);
    const refused = settled.find((outcome) => outcome.status === "rejected");
    if (refused) throw refused.reason;
    return settled.map((outcome) => outcome.value);
  }

  // Runs a section's reading; where the API refuses the caller's role, the section says so
  // politely (data-state="denied") and gives null instead of failing.
  async function unlessDenied(element, work) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof ApiError) || ![401, 403].includes(error.status)) throw error;
      element.dataset.state = "denied";
      notice(element, t("denied"));
      return null;
    }
  }

  // Runs a section's reading; where the service lacks what it needs (422: too short a price
  // history, too few herd reports), the section shows its reason and gives null.
  async function unlessUnavailable(element, work) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 422) throw error;
      element.dataset.state = "unavailable";
      notice(element, `${t("unavailable")}${error.message}`);
      return null;
    }
  }

  // Gives the region's latest month with herd reports, the month the monthly services are
  // asked about; without one the section says there is no data and gets null.
  async function latestMonth(element, region, get) {
    const breakdown = await get(`/api/v1/stats/regions/${region}/breakdown`);
    if (!breakdown.month) notice(element, t("none"));
    return breakdown.month;
  }
  // --- end of maps and refusals ---

  const state = { who: { name: "anonymous", role: "public", scope: null } };

  async function identify() {
    if (token()) {
      try {
        state.who = await api("/api/v1/me");
      } catch (error) {
        if (error.status === 401) sessionStorage.removeItem(TOKEN_KEY);
      }
    }
    showWho();
  }

  function showWho() {
    const who = state.who;
    const label = document.getElementById("who");
    const signedIn = who.role !== "public" || who.name !== "anonymous";
    label.textContent = signedIn
      ? `${who.name} · ${t(`role.${who.role}`)}${who.scope ? ` (${who.scope})` : ""}`
      : t("who.public");
    document.getElementById("signout").hidden = !signedIn;
    document.getElementById("signin-link").hidden = signedIn;
    // Hide what the role may not use; the API refuses it anyway.
    for (const item of document.querySelectorAll("[data-roles]")) {
      item.hidden = !item.dataset.roles.split(" ").includes(who.role);
    }
  }

  function signOut() {
    sessionStorage.removeItem(TOKEN_KEY);
    state.who = { name: "anonymous", role: "public", scope: null };
    window.location.assign("/display/overview");
  }

  async function signIn(event) {
    event.preventDefault();
    const form = event.target;
    const secret = form.token.value.trim();
    const status = document.getElementById("signin-status");
    try {
      state.who = await api("/api/v1/me", { token: secret });
      sessionStorage.setItem(TOKEN_KEY, secret);
      form.reset();
      status.textContent = `${t("signin.ok")}${state.who.name} · ${t(`role.${state.who.role}`)}`;
      if (state.who.scope) status.textContent += ` · ${t("signin.scope")} ${state.who.scope}`;
    } catch (error) {
      status.textContent = error.status === 401 ? t("signin.bad") : `${t("error.load")}: ${error.message}`;
    }
    showWho();
  }

  async function runSections(base) {
    // One answer per path for all the sections of one run (the map and the table share one).
    const asked = new Map();
    const get = (path) => {
      if (!asked.has(path)) asked.set(path, api(path));
      return asked.get(path);
    };
    const context = { ...base, get };
    const runs = [];
    for (const element of document.querySelectorAll("[data-section]")) {
      const run = sections.get(element.dataset.section);
      if (!run) continue;
      runs.push(
        run(element, context)
          .then(() => {
            // A refresh that works again clears the error an earlier one left.
            if (element.dataset.state !== "error") return;
            delete element.dataset.state;
            element.querySelector(".notice").hidden = true;
          })
          .catch((error) => {
            element.dataset.state = "error";
            const box =
              element.querySelector(".notice") || element.appendChild(document.createElement("p"));
            box.className = "notice";
            box.hidden = false;
            box.textContent = `${t("error.load")}: ${error.message}`;
          }),
      );
    }
    await Promise.all(runs);
    for (const time of document.querySelectorAll('[data-field="updated"]')) {
      time.textContent = new Date().toLocaleTimeString(lang === "zh" ? "zh-CN" : "en");
    }
  }

  async function start() {
    document.getElementById("signout").addEventListener("click", signOut);
    const form = document.getElementById("signin-form");
    if (form) form.addEventListener("submit", signIn);
    await identify();
    const context = { who: state.who, region: body.dataset.region, refresh: false };
    await runSections(context);
    body.dataset.drawn = String(Date.now() - performance.timeOrigin);
    const every = Number(body.dataset.refresh || 0);
    if (every > 0) {
      setInterval(() => runSections({ ...context, refresh: true }), every * 1000);
    }
    window.addEventListener("resize", () => {
      if (typeof echarts === "undefined") return;
      for (const element of document.querySelectorAll(".chart")) {
        echarts.getInstanceByDom(element)?.resize();
      }
    });
  }

  window.PigData = {
    t,
    fmt,
    api,
    chart,
    fill,
    notice,
    ApiError,
    useMap,
    unlessDenied,
    unlessUnavailable,
    answers,
    latestMonth,
    lang,
    maps: (body.dataset.maps || "").split(",").filter(Boolean),
    staticUrl: body.dataset.static,
    section: (name, run) => sections.set(name, run),
    get who() {
      return state.who;
    },
  };
  document.addEventListener("DOMContentLoaded", start);
})();

// Helpers shared by the health, farm-benchmark and breeding sections.
(() => {
  const registered = new Set();

  // Fills a table body: one row per item, the first cell a row header, numbers formatted.
  function table(tbody, items, cells) {
    const rows = items.map((item) => {
      const row = document.createElement("tr");
      cells(item).forEach((value, index) => {
        const cell = document.createElement(index === 0 ? "th" : "td");
        if (index === 0) cell.scope = "row";
        if (value instanceof Node) cell.append(value);
        else cell.textContent = typeof value === "number" ? PigData.fmt(value) : value ?? "—";
        row.append(cell);
      });
      return row;
    });
    tbody.replaceChildren(...rows);
  }

  // Registers a vendored boundary map once and gives its GeoJSON.
  async function boundary(code) {
    const response = await fetch(`${PigData.staticUrl}/vendor/geo/${code}.json`);
    if (!response.ok) throw new Error(`map ${code}: ${response.status}`);
    const geojson = await response.json();
    if (!registered.has(code)) echarts.registerMap(code, geojson);
    registered.add(code);
    return geojson;
  }

  // Shows a section only to the roles that may use it; the others see why in its notice.
  function onlyFor(element, roles, key) {
    if (roles.includes(PigData.who.role)) return true;
    element.dataset.state = "not-allowed";
    PigData.notice(element, PigData.t(key));
    for (const part of element.querySelectorAll("form, .table-wrap, .chart, .meta")) {
      part.hidden = true;
    }
    return false;
  }

  // The herdbook a breeding page shows: the one asked for, else the first one listed.
  async function herdbook(get) {
    const books = await get("/api/v1/breeding/herdbooks");
    return document.body.dataset.herdbook || (books.length ? books[0].herdbook : "");
  }

  Object.assign(window.PigData, { table, boundary, onlyFor, herdbook });
})();
