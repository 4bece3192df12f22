// Outbreaks in force: the health overview's figures, the zones (GeoJSON from the API) drawn
// over the county boundaries and zoomed to the outbreak, and a table of the outbreaks.
"use strict";

(() => {
  const COLOURS = {
    threatened_zone: "rgba(230, 159, 0, 0.35)",
    infected_zone: "rgba(204, 51, 17, 0.5)",
    infected_point: "#7a0010",
  };

  // The extent of a GeoJSON's coordinates: [[west, south], [east, north]].
  function extent(features) {
    let box = [[Infinity, Infinity], [-Infinity, -Infinity]];
    const visit = (c) => {
      if (typeof c[0] === "number") {
        box = [[Math.min(box[0][0], c[0]), Math.min(box[0][1], c[1])],
          [Math.max(box[1][0], c[0]), Math.max(box[1][1], c[1])]];
      } else c.forEach(visit);
    };
    features.forEach((f) => visit(f.geometry.coordinates));
    return box;
  }

  function zoneSeries(zone, features) {
    const rings = features.filter((f) => f.properties.zone === zone);
    return {
      name: PigData.t(`zone.${zone}`),
      type: "custom",
      coordinateSystem: "geo",
      data: rings.map((f) => f.geometry.coordinates[0][0]),
      // The outer ring only: the infected zone is drawn over the threatened zone's hole.
      renderItem: (params, api) => ({
        type: "polygon",
        shape: { points: rings[params.dataIndex].geometry.coordinates[0].map((c) => api.coord(c)) },
        style: { fill: COLOURS[zone], stroke: COLOURS.infected_point, lineWidth: 1 },
      }),
      itemStyle: { color: COLOURS[zone] },
      silent: true,
    };
  }

  function mapOption(region, land, features) {
    const points = features.filter((f) => f.properties.zone === "infected_point");
    const geo = { map: region, roam: true, label: { show: true, fontSize: 10 },
      itemStyle: { areaColor: "#eef2f6", borderColor: "#8796a5" } };
    if (points.length) {
      const [[w, s], [e, n]] = extent(features.filter((f) => f.geometry.type !== "Point"));
      const [[W, S], [E, N]] = extent(land.features);
      geo.center = [(w + e) / 2, (s + n) / 2];
      geo.zoom = Math.max(1, 0.6 * Math.min((E - W) / (e - w), (N - S) / (n - s)));
    }
    return {
      legend: { top: 0 },
      tooltip: { trigger: "item" },
      geo,
      series: [
        zoneSeries("threatened_zone", features),
        zoneSeries("infected_zone", features),
        {
          name: PigData.t("zone.infected_point"),
          type: "scatter",
          coordinateSystem: "geo",
          symbolSize: 12,
          itemStyle: { color: COLOURS.infected_point },
          data: points.map((f) => ({ name: f.properties.infected_point, value: f.geometry.coordinates })),
        },
      ],
    };
  }

  PigData.section("outbreak", async (element, { region, get }) => {
    const [overview, zones, geojson, land] = await PigData.answers([
      get("/api/v1/animal-health/overview"),
      get("/api/v1/animal-health/zones"),
      get("/api/v1/animal-health/zones.geojson"),
      PigData.boundary(region),
    ]);
    const blocked = Object.values(overview.blocked_last_week).reduce((a, b) => a + b, 0);
    PigData.fill(element, {
      active_zones: overview.active_zones.length,
      restricted_premises: overview.restricted_premises,
      blocked_last_week: blocked,
    });
    // Premises per zone: counts every reader gets (the premises lists are each reader's own
    // view only).
    const active = new Map(overview.active_zones.map((z) => [z.outbreak_id, z]));
    PigData.table(element.querySelector("tbody"), zones, (z) => [
      `${z.outbreak.outbreak_id} (${PigData.t(`disease.${z.outbreak.disease}`)})`,
      z.infected_points.map((p) => p.premises ?? "—").join(", "),
      z.outbreak.zones_from,
      z.outbreak.earliest_lifting,
      z.infected_points.length,
      active.get(z.outbreak.outbreak_id)?.infected_zone_premises ?? z.counts.infected_zone,
      active.get(z.outbreak.outbreak_id)?.threatened_zone_premises ?? z.counts.threatened_zone,
    ]);
    const { drawn } = PigData.chart(
      element.querySelector(".chart"),
      mapOption(region, land, geojson.features),
    );
    element.dataset.state = "shown";
    await drawn;
  });
})();
