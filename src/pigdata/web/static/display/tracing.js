// Contact tracing from an index premises: the API's ranked list and its CSV for field teams.
// Opens on the first infected point of an outbreak in force, over the weeks before it was
// confirmed; the form traces any premises the token's region covers.
"use strict";

(() => {
  let csvUrl = null;

  function query(form, format) {
    const params = new URLSearchParams({
      direction: form.direction.value,
      until: form.until.value,
      days: form.days.value,
      format,
    });
    return `/api/v1/animal-health/trace/${encodeURIComponent(form.premises.value.trim())}?${params}`;
  }

  async function trace(element, form) {
    const [report, csv] = await PigData.answers([
      PigData.api(query(form, "json")),
      PigData.api(query(form, "csv"), { raw: true }).then((r) => r.text()),
    ]);
    PigData.table(element.querySelector("tbody"), report.contacts, (c) => [
      c.rank, c.premises, c.name, c.township, c.depth, c.earliest_contact, c.latest_contact,
      c.paths_capped ? `≥ ${PigData.fmt(c.paths)}` : c.paths, c.head_count,
    ]);
    element.querySelector("#trace-summary").textContent =
      `${report.index} · ${PigData.t(`tracing.${report.direction}`)} · ${report.first} – ` +
      `${report.last} · ${PigData.t("tracing.found")} ${PigData.fmt(report.contacts.length)}`;
    // The CSV needs the token, so it is fetched with it and offered as a local file.
    if (csvUrl) URL.revokeObjectURL(csvUrl);
    csvUrl = URL.createObjectURL(new Blob([csv], { type: "text/csv" }));
    const link = element.querySelector("#trace-download");
    link.href = csvUrl;
    link.download = `trace-${report.index}-${report.direction}-${report.last}.csv`;
    link.hidden = false;
    element.dataset.state = "shown";
  }

  PigData.section("tracing", async (element, { get }) => {
    if (!PigData.onlyFor(element, ["government", "admin"], "tracing.denied")) return;
    const form = element.querySelector("form");
    const zones = await get("/api/v1/animal-health/zones");
    const first = zones.find((z) => z.infected_points.length);
    if (first) {
      form.premises.value = first.infected_points[0].premises;
      form.until.value = first.outbreak.zones_from ?? first.outbreak.first_report;
      form.direction.value = "forward";
    } else {
      form.until.value = new Date().toISOString().slice(0, 10);
    }
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      element.dataset.state = "tracing";
      PigData.notice(element, "");
      try {
        await trace(element, form);
      } catch (error) {
        element.dataset.state = "failed";
        PigData.notice(element, `${PigData.t("error.load")}: ${error.message}`);
      }
    });
    if (first) await trace(element, form);
  });
})();
