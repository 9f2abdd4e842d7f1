"use strict";
// Latency by percentile (the HdrHistogram plot) for every crawl run that kept a
// histogram, corrected beside uncorrected for paced runs, and a paced run's rate over
// time against the rate it offered. The curves come shaped from the page data (the
// C++ percentile spectrum): this file only draws them.

const corrected_colour = "#D55E00";
const uncorrected_colour = "#0072B2";

/** 1/(1-p) at the percentiles the axis names. */
const percentile_ticks = [[2, "50%"], [10, "90%"], [100, "99%"], [1e3, "99.9%"], [1e4, "99.99%"], [1e5, "99.999%"],
  [1e6, "99.9999%"]];

/** x = 1/(1-p) as a percentile: 100 → "99%", 1234 → "99.919%". */
function percentile_of(x) {
  if (x === null || x === undefined || !isFinite(x)) return "–";
  const p = 100 * (1 - 1 / x);
  const decimals = Math.max(0, Math.min(5, Math.ceil(Math.log10(x)) - 1));
  return p.toFixed(decimals) + "%";
}

function latency_sections(parent, data) {
  const results = data.crawl_results.filter((r) => r.runs.length > 0);
  if (results.length === 0) return;
  const s = section(parent, "latency", "Latency by percentile",
    "Each request's latency, from the fastest (0%) to the slowest, on an axis that gives 99%, 99.9% and 99.99% " +
    "as much room as the median: the tail is where users wait. A closed-model client (the next request waits for " +
    "an answer), or any client whose requests wait for a free connection, stops sending while the server is slow, " +
    "so it never measures the requests that real users would have sent meanwhile: this is coordinated omission. " +
    "A paced run (crawl --rate) sends request i at t0 + i ÷ rate whatever the answers do, and its corrected " +
    "latency is measured from when each request was due, not from when it was finally sent; so the corrected " +
    "curve lies above the uncorrected one by the time requests spent waiting to be sent.");
  for (const result of results) {
    const block = el("div", {class: "table-block"});
    s.append(block);
    block.append(provenance(data.inputs[result.input]));
    const paced = result.runs.filter((r) => r.open_model);
    if (paced.length) open_model_table(block, paced);
    const grid = el("div", {class: "panels"});
    block.append(grid);
    for (const run of result.runs) {
      if (!run.percentiles) {
        block.append(el("p", {class: "note no-plot"}, `No percentile plot for ${run.strategy}: its file has no ` +
          "latency histogram (written before overlap kept one, or no request finished)."));
        continue;
      }
      percentile_chart(grid, run);
      if (run.open_model) rate_chart(grid, run);
    }
  }
}

function open_model_table(parent, runs) {
  const head = ["strategy", "offered req/s", "achieved req/s", "queued", "late starts", "corrected p50", "p99",
    "p99.9", "max", "uncorrected p99", "max"];
  const rows = runs.map((r) => {
    const m = r.open_model, c = m.corrected_latency_ms;
    return el("tr", {},
      el("td", {}, el("i", {class: "swatch", style: {background: colour_of(r.strategy)}}), r.strategy),
      el("td", {class: "num"}, fmt.rate(m.rate)),
      el("td", {class: "num" + (m.achieved_rate !== null && m.achieved_rate < 0.99 * m.rate ? " bad" : "")},
        fmt.rate(m.achieved_rate)),
      el("td", {class: "num"}, fmt.count(m.queued)),
      el("td", {class: "num" + (m.late_starts > 0 ? " bad" : "")}, fmt.count(m.late_starts)),
      el("td", {class: "num strong"}, fmt.ms(c.p50)),
      el("td", {class: "num strong"}, fmt.ms(c.p99)),
      el("td", {class: "num"}, fmt.ms(c.p99_9)),
      el("td", {class: "num"}, fmt.ms(c.max)),
      el("td", {class: "num"}, fmt.ms(r.latency_ms.p99)),
      el("td", {class: "num"}, fmt.ms(r.latency_ms.max)));
  });
  parent.append(el("h3", {}, "The open model: offered against achieved"),
    el("p", {class: "note"}, "Queued: requests that found every connection busy when due and waited for one. " +
      "Late starts: requests sent more than 1 ms after a connection was free for them (the client itself fell behind)."),
    el("div", {class: "table-wrap"}, el("table", {class: "data"},
      el("thead", {}, el("tr", {}, head.map((h) => el("th", {}, h)))), el("tbody", {}, rows))));
}

/**
 * The curves on one x array (the union of their levels), nulls where one has no level,
 * reaching `x_max` so that every chart's axis runs to the same percentile (an x range
 * function would also undo every zoom: uPlot ranges x through it on each change).
 */
function align_curves(curves, x_max) {
  const xs = [...new Set(curves.flatMap((c) => c.x).concat([x_max]))].sort((a, b) => a - b);
  const at = new Map(xs.map((x, i) => [x, i]));
  return [xs, ...curves.map((c) => {
    const ys = new Array(xs.length).fill(null);
    c.x.forEach((x, i) => { ys[at.get(x)] = c.ms[i]; });
    return ys;
  })];
}

function percentile_chart(parent, run) {
  const curves = [];
  if (run.percentiles.corrected) curves.push(["corrected (from when due)", corrected_colour, run.percentiles.corrected]);
  curves.push([run.open_model ? "uncorrected (from when sent)" : "latency", uncorrected_colour,
    run.percentiles.uncorrected]);
  const max_x = Math.max(...curves.map(([, , c]) => c.x[c.x.length - 1]));
  const x_max = Math.max(1e5, Math.pow(10, Math.ceil(Math.log10(max_x))));
  const title = `${run.strategy}: latency by percentile` +
    (run.open_model ? ` at ${fmt.rate(run.open_model.rate)} req/s offered` : " (closed model)");
  const entry = make_chart(parent, {
    title,
    note: run.open_model ? null : "A closed-model run has only the uncorrected curve: it never sent what it did not wait for.",
    hint: "Drag to zoom; double-click to reset. The curve ends at the slowest request.",
    data: align_curves(curves.map(([, , c]) => c), x_max),
    build: (width) => ({
      width,
      height: 320,
      cursor: {drag: {x: true, y: true, uni: 30}},
      scales: {x: {time: false, distr: 3, log: 10}, y: {range: (u, lo, hi) => [0, hi * 1.05]}},
      axes: [
        axis("percentile (log scale of 1 ÷ (1 − p))", {
          splits: (u) => [1, ...percentile_ticks.map(([x]) => x)].filter((x) => x >= u.scales.x.min && x <= u.scales.x.max),
          filter: (u, splits) => splits, // uPlot's log axis would label whole decades only
          values: (u, splits) => splits.map((x) => (x === 1 ? "0%" : (percentile_ticks.find(([t]) => t === x) || [0, ""])[1])),
        }),
        axis("latency (ms)", {size: 60}),
      ],
      series: [{label: "percentile", value: (u, v) => percentile_of(v)},
        ...curves.map(([label, colour]) => ({label, stroke: colour, width: 2, spanGaps: true, points: {show: false},
          value: (u, v) => fmt.ms(v)}))],
    }),
  });
  // For the browser test: which curves the chart has.
  entry.lines = curves.map(([label, , c]) => ({mode: label, points: c.x.length, last_ms: c.ms[c.ms.length - 1]}));
}

function rate_chart(parent, run) {
  const m = run.open_model;
  const sent = m.sent_per_second;
  // Second i holds sent[i] from x = i to i + 1: a step per second, closed at the run's end.
  const xs = sent.map((_, i) => i).concat([sent.length]);
  const ys = sent.concat(sent.length ? [sent[sent.length - 1]] : []);
  const offered = xs.map(() => m.rate);
  const top = Math.max(m.rate, ...sent) * 1.15;
  const entry = make_chart(parent, {
    title: `${run.strategy}: requests sent per second against the ${fmt.rate(m.rate)} req/s offered`,
    note: `Achieved ${fmt.rate(m.achieved_rate)} req/s over the run. The last second may be partial (the run ended in it).`,
    hint: "Drag to zoom; double-click to reset.",
    data: [xs, ys, offered],
    build: (width) => ({
      width,
      height: 320,
      cursor: {drag: {x: true, y: true, uni: 30}},
      scales: {x: {time: false}, y: {range: () => [0, top]}},
      axes: [axis("time since the first request was due (s)"), axis("requests sent in that second", {size: 64,
        values: (u, splits) => splits.map((v) => (Number.isInteger(v) ? v.toLocaleString("en-US") : ""))})],
      series: [{label: "second", value: (u, v) => (v === null ? "–" : `${v}–${v + 1} s`)},
        {label: "sent", stroke: uncorrected_colour, fill: "rgba(0, 114, 178, 0.12)", width: 2,
          paths: uPlot.paths.stepped({align: 1}), points: {show: false}, value: (u, v) => fmt.count(v)},
        {label: "offered", stroke: corrected_colour, width: 2, dash: [6, 5], points: {show: false},
          value: (u, v) => fmt.rate(v)}],
    }),
  });
  entry.lines = [{mode: "sent", points: sent.length}, {mode: "offered", points: xs.length}];
  // The zoom self-test's target: the middle half of the run.
  entry.zoom_target = () => ({x: {min: xs[xs.length - 1] * 0.25, max: xs[xs.length - 1] * 0.75}});
}
