// Sending a file to the ingest API with the visitor's token; its counts and rejected rows.
"use strict";

(() => {
  // RFC 4180 fields: quoted fields may hold commas, quotes (doubled) and line breaks.
  function parseCsv(text) {
    const rows = [];
    let row = [];
    let field = "";
    let quoted = false;
    for (let i = 0; i < text.length; i += 1) {
      const c = text[i];
      if (quoted) {
        if (c === '"' && text[i + 1] === '"') {
          field += '"';
          i += 1;
        } else if (c === '"') quoted = false;
        else field += c;
      } else if (c === '"') quoted = true;
      else if (c === ",") {
        row.push(field);
        field = "";
      } else if (c === "\n" || c === "\r") {
        if (c === "\r" && text[i + 1] === "\n") i += 1;
        row.push(field);
        rows.push(row);
        row = [];
        field = "";
      } else field += c;
    }
    if (field || row.length) rows.push([...row, field]);
    return rows;
  }

  function cells(tag, values) {
    const row = document.createElement("tr");
    for (const value of values) {
      const cell = document.createElement(tag);
      if (tag === "th") cell.scope = "col";
      cell.textContent = value;
      row.append(cell);
    }
    return row;
  }

  async function showRejects(element, result) {
    const response = await PigData.api(result.rejects_csv, { raw: true });
    const text = (await response.text()).replace(/^\uFEFF/, "");
    const [header = [], ...rows] = parseCsv(text);
    const table = element.querySelector("#rejects");
    table.tHead.replaceChildren(cells("th", header));
    table.tBodies[0].replaceChildren(...rows.slice(0, 200).map((r) => cells("td", r)));
    const link = element.querySelector("#rejects-download");
    link.href = URL.createObjectURL(new Blob([text], { type: "text/csv" }));
    link.download = `rejects-${result.upload_id}.csv`;
  }

  async function send(element, form) {
    const status = element.querySelector("#upload-status");
    const data = new FormData();
    data.append("file", form.file.files[0]);
    if (form.kind.value) data.append("kind", form.kind.value);
    element.dataset.state = "sending";
    status.textContent = PigData.t("data.sending");
    PigData.notice(element, "");
    try {
      const result = await PigData.api("/api/v1/uploads", { method: "POST", body: data });
      PigData.fill(element, result);
      await showRejects(element, result);
      element.querySelector("#upload-result").hidden = false;
      element.dataset.state = "done";
      status.textContent = "";
    } catch (error) {
      status.textContent = "";
      element.dataset.state = "error";
      PigData.notice(element, `${PigData.t("error.load")}: ${error.message}`);
    }
  }

  PigData.section("upload", async (element, { who }) => {
    const form = element.querySelector("#upload-form");
    if (!["government", "farm", "admin"].includes(who.role)) {
      PigData.notice(element, PigData.t("data.need_token"));
      for (const control of form.elements) control.disabled = true;
      return;
    }
    if (!form.dataset.bound) {
      form.dataset.bound = "1";
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        send(element, form);
      });
    }
  });
})();
