// The parts of a region as a table: each a link one level down (the keyboard's drill-down).
"use strict";

PigData.section("parts", async (element, { region, get }) => {
  const breakdown = await get(`/api/v1/stats/regions/${region}/breakdown`);
  const rows = breakdown.areas.map((area) => {
    const row = document.createElement("tr");
    const name = document.createElement("th");
    name.scope = "row";
    if (area.level === "township") {
      name.textContent = area.name;
    } else {
      const link = document.createElement("a");
      link.href = `/display/region/${area.code}`;
      link.textContent = area.name;
      name.append(link);
    }
    row.append(name);
    for (const value of [area.code, area.farms, area.capacity_sows, area.breeding_sows, area.inventory]) {
      const cell = document.createElement("td");
      cell.textContent = typeof value === "number" ? PigData.fmt(value) : value ?? "—";
      if (value === null) {
        cell.title = PigData.t("withheld"); // null: withheld by disclosure control
        cell.classList.add("withheld");
      }
      row.append(cell);
    }
    return row;
  });
  element.querySelector("tbody").replaceChildren(...rows);
});
