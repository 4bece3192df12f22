// The herdbooks (public), each a link that opens its page; the chosen one is marked.
"use strict";

PigData.section("herdbooks", async (element, { get }) => {
  const books = await get("/api/v1/breeding/herdbooks");
  const chosen = await PigData.herdbook(get);
  PigData.table(element.querySelector("tbody"), books, (b) => {
    const link = document.createElement("a");
    link.href = `/display/breeding?herdbook=${encodeURIComponent(b.herdbook)}`;
    link.textContent = b.herdbook;
    if (b.herdbook === chosen) link.setAttribute("aria-current", "page");
    return [link, b.animals, b.with_sire, b.with_dam];
  });
});
