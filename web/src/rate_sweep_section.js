"use strict";
// A rate sweep (sweep --rate): the open model's "hockey stick", latency against the
// offered rate. Below the capacity the latency stays near the delay; past it the backlog
// grows for as long as the load lasts, and the corrected latency with it.

function rate_sweep_chart(parent, sweep, inputs) {
  const points = sweep.rate_points.slice().sort((a, b) => a.rate - b.rate);
  const xs = points.map((p) => p.rate);
  // A log y axis has no 0: a point that measured nothing (0 ms) is left out.
  const positive = (v) => (v !== null && v !== undefined && v > 0 ? v : null);
  const lines = [
    ["corrected p99", corrected_colour, [], (p) => p.corrected_latency_ms.p99],
    ["corrected p50", corrected_colour, [4, 4], (p) => p.corrected_latency_ms.p50],
    ["uncorrected p99", uncorrected_colour, [], (p) => p.latency_ms.p99],
  ];
  const block = el("div", {class: "table-block"});
  parent.append(block);
  block.append(provenance(inputs[sweep.input]));
  const capacity = sweep.capacity_rps;
  const entry = make_chart(block, {
    title: `${sweep.strategy || "sweep"}: latency against the offered rate` +
      (sweep.partial ? " (partial sweep: stopped before every rate)" : ""),
    wide: true,
    note: capacity === null ? "The capacity is unknown (a delay of 0), so it is not marked." :
      `The dashed line marks the capacity, ${fmt.rate(capacity)} req/s: min(concurrency, server capacity) ÷ delay.`,
    hint: "Drag to zoom; double-click to reset.",
    data: [xs, ...lines.map(([, , , value]) => points.map((p) => positive(value(p))))],
    build: (width) => ({
      width,
      height: 380,
      cursor: {drag: {x: true, y: true, uni: 30}},
      scales: {x: {time: false}, y: {distr: 3, log: 10}},
      axes: [axis("offered rate (requests per second)"), axis("latency (ms), log scale", {size: 64})],
      series: [{label: "offered", value: (u, v) => (v === null ? "–" : fmt.rate(v) + " req/s")},
        ...lines.map(([label, colour, dash]) => ({label, stroke: colour, width: 2, dash, spanGaps: true,
          points: {show: true, size: 6, fill: colour}, value: (u, v) => fmt.ms(v)}))],
      hooks: {draw: [(u) => { if (capacity !== null) draw_vertical_marker(u, capacity, `capacity ${fmt.rate(capacity)} req/s`, "#555"); }]},
    }),
  });
  entry.lines = lines.map(([label]) => ({mode: label, points: points.length}));
  const rows = points.map((p) => el("tr", {},
    el("td", {class: "num strong"}, fmt.rate(p.rate)),
    el("td", {class: "num" + (p.achieved_rate !== null && p.achieved_rate < 0.99 * p.rate ? " bad" : "")}, fmt.rate(p.achieved_rate)),
    el("td", {class: "num"}, fmt.count(p.n)),
    el("td", {class: "num"}, fmt.ms(p.corrected_latency_ms.p50)),
    el("td", {class: "num strong"}, fmt.ms(p.corrected_latency_ms.p99)),
    el("td", {class: "num"}, fmt.ms(p.latency_ms.p99)),
    el("td", {class: "num"}, fmt.count(p.queued)),
    el("td", {class: "num" + (p.late_starts > 0 ? " bad" : "")}, fmt.count(p.late_starts)),
    el("td", {class: "num" + (p.errors > 0 ? " bad" : "")}, fmt.count(p.errors))));
  block.append(el("div", {class: "table-wrap narrow"}, el("table", {class: "data"},
    el("thead", {}, el("tr", {}, ["offered req/s", "achieved req/s", "n", "corrected p50", "corrected p99",
      "uncorrected p99", "queued", "late starts", "errors"].map((h) => el("th", {}, h)))),
    el("tbody", {}, rows))));
}
