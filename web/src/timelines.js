"use strict";
// Timelines (Figures 8-2, 8-4, 8-5, 8-6 and 8-9): one horizontal line per request or
// task from its start to its end, its number on the y axis. uPlot provides the scales,
// axes, drag and wheel zoom; the segments are drawn in its draw hook (draw_segments).

/** The same colour for the same strategy or mode everywhere on the page. */
const name_colours = new Map();
function colour_of(name) {
  if (!name_colours.has(name)) name_colours.set(name, color(name_colours.size));
  return name_colours.get(name);
}

const failed_colour = "#C62828";
const limit_colour = "#B00020";

/**
 * One timeline panel. spec: {title, note, layers, max_end, rows: [min, max], y_label,
 * limit, describe(row) -> text for the readout, legend}.
 */
function timeline_chart(parent, spec) {
  const x_full = [0, Math.max(spec.max_end, 1e-3)];
  const y_full = [spec.rows[0] - 0.5, spec.rows[1] + 0.5];
  const full = (key) => (key === "x" ? x_full : y_full);
  let entry = null;
  entry = make_chart(parent, {
    title: spec.title,
    note: spec.note,
    legend: spec.legend,
    wide: spec.wide,
    hint: "Drag to zoom (sideways: time; up or down: rows), wheel to zoom time, shift+wheel rows.",
    data: [x_full.slice(), spec.rows.slice()],
    build: (width, readout) => ({
      width,
      height: spec.height || 300,
      legend: {show: false},
      cursor: {drag: {x: true, y: true, uni: 30}, points: {show: false}},
      scales: {
        x: {time: false, range: (u, min, max) => [min, max]},
        y: {range: (u, min, max) => [min - 0.5, max + 0.5]},
      },
      axes: [
        axis("time since the run started (s)"),
        axis(spec.y_label, {size: 60, values: (u, splits) => splits.map((v) => (Number.isInteger(v) ? v.toLocaleString("en-US") : ""))}),
      ],
      series: [{}, {label: spec.y_label, paths: () => null, points: {show: false}}],
      plugins: [wheel_zoom(full)],
      hooks: {
        draw: [(u) => {
          const t0 = performance.now();
          entry_drawn(entry, draw_segments(u, spec.layers));
          if (spec.limit) draw_vertical_marker(u, spec.limit, `limit ${fmt.seconds(spec.limit)}`, limit_colour);
          if (entry) entry.draw_ms = Math.max(entry.draw_ms, performance.now() - t0);
        }],
        setCursor: [(u) => {
          const {left, top} = u.cursor;
          if (left === undefined || left < 0) return;
          const t = u.posToVal(left, "x");
          const row = Math.round(u.posToVal(top, "y"));
          readout.textContent = `t = ${fmt.seconds(t)} · ` + spec.describe(row);
        }],
      },
    }),
  });
  // The zoom self-test's target: a few rows around the middle segment of the first layer.
  entry.zoom_target = () => {
    const first = spec.layers[0];
    const i = Math.floor(first.start.length / 2);
    const pad = Math.max((first.end[i] - first.start[i]) * 0.5, 1e-4);
    return {x: {min: first.start[i] - pad, max: first.end[i] + pad}, y: {min: first.row[i] - 3, max: first.row[i] + 3}};
  };
  return entry;
}

// The count at the first draw: the whole run, before any zoom.
function entry_drawn(entry, n) { if (entry && entry.segments === undefined) entry.segments = n; }

/** Row number -> position in the columns, built on first use (hovering). */
function row_lookup(rows) {
  let map = null;
  return (row) => {
    if (!map) { map = new Map(); rows.forEach((r, i) => { if (!map.has(r)) map.set(r, i); }); }
    return map.get(row);
  };
}

/** Splits columns into the rows whose flag is set and the others. */
function split_by(flags, columns) {
  const yes = {}, no = {};
  for (const key of Object.keys(columns)) { yes[key] = []; no[key] = []; }
  for (let i = 0; i < flags.length; i++) {
    const side = flags[i] ? yes : no;
    for (const key of Object.keys(columns)) side[key].push(columns[key][i]);
  }
  return [yes, no];
}

/** Splits columns by a small whole-number key (a request's shard): one set per value. */
function split_by_key(keys, count, columns) {
  const parts = Array.from({length: count}, () => {
    const part = {};
    for (const key of Object.keys(columns)) part[key] = [];
    return part;
  });
  for (let i = 0; i < keys.length; i++) {
    for (const key of Object.keys(columns)) parts[keys[i]][key].push(columns[key][i]);
  }
  return parts;
}

/**
 * A merged run's requests take their shard's colour (a shard that began late shows as
 * a band of its colour starting late), a single run's its strategy's; failed ones red.
 */
function crawl_layers(t, n_failed) {
  const columns = {start: t.start, end: t.end, row: t.index};
  if (t.shards > 0) columns.shard = t.shard;
  const [bad, good] = n_failed ? split_by(t.failed, columns) : [null, columns];
  const layers = t.shards > 0
    ? split_by_key(good.shard, t.shards, good).map((part, k) => Object.assign({color: color(k), sorted: true}, part))
    : [Object.assign({color: colour_of(t.strategy), sorted: true}, good)];
  if (bad) layers.push(Object.assign({color: failed_colour, sorted: true}, bad));
  const drawn = layers.filter((layer) => layer.start.length > 0);
  return drawn.length ? drawn : layers.slice(0, 1);
}

/** The legend's chips: each shard's colour (the first few), or the strategy's. */
function crawl_legend_items(t, colour) {
  if (!(t.shards > 0)) return [[t.strategy, colour]];
  const shown = Math.min(t.shards, 8);
  const items = Array.from({length: shown}, (_, k) => [`shard ${k}`, color(k)]);
  if (t.shards > shown) items.push([`… ${t.shards - shown} more shards`, "#999999"]);
  return items;
}

function crawl_timeline_panel(parent, t, inputs) {
  const n_failed = t.failed.reduce((a, b) => a + b, 0);
  const colour = colour_of(t.strategy);
  const layers = crawl_layers(t, n_failed);
  const rows = t.index.length ? sample_extremes(t.index) : [0, 1];
  const find = row_lookup(t.index);
  const shape = [t.n !== null ? `${fmt.count(t.n)} requests` : `${fmt.count(t.index.length)} requests`,
    t.concurrency !== null ? `concurrency ${fmt.count(t.concurrency)}` : null,
    t.delay_ms !== null ? `delay ${t.delay_ms} ms` : null,
    t.shards > 0 ? `merged from ${fmt.count(t.shards)} shards` : null].filter(Boolean).join(", ");
  const note = [`last request ended at ${fmt.seconds(t.max_end)}`,
    t.limit_seconds !== null ? `limit ⌈n/c⌉ × delay = ${fmt.seconds(t.limit_seconds)}` : null,
    n_failed ? `${fmt.count(n_failed)} failed (red)` : null,
    `from ${inputs[t.input].file}`].filter(Boolean).join(" · ");
  const legend_items = crawl_legend_items(t, colour);
  if (n_failed) legend_items.push(["failed", failed_colour]);
  if (t.limit_seconds !== null) legend_items.push(["limit", limit_colour, true]);
  return timeline_chart(parent, {
    title: `${t.strategy}: ${shape}`,
    note,
    wide: t.index.length > 5000, // a big run gets the whole row
    height: t.index.length > 5000 ? 380 : 300,
    layers,
    max_end: Math.max(t.max_end, t.limit_seconds || 0),
    rows,
    y_label: "request number",
    limit: t.limit_seconds,
    legend: chip_legend(legend_items),
    describe: (row) => {
      const i = find(row);
      if (i === undefined) return `request ${row}: none`;
      return `request ${row}: ${fmt.seconds(t.start[i])} → ${fmt.seconds(t.end[i])} (${fmt.seconds(t.end[i] - t.start[i])})` +
        (t.shards > 0 ? `, shard ${t.shard[i]}` : "") + (t.failed[i] ? ", failed" : "");
    },
  });
}

const cpu_colour = "#0072B2";
const io_colour = "#E69F00";

function workload_timeline_panel(parent, t, inputs) {
  const rows = t.index.length ? sample_extremes(t.index) : [0, 1];
  const find = row_lookup(t.index);
  const layers = [
    {color: cpu_colour, start: t.cpu_start, end: t.cpu_end, row: t.index, sorted: true},
    {color: io_colour, start: t.io_start, end: t.io_end, row: t.index, sorted: false},
  ];
  const cpu_total = t.cpu_end.reduce((sum, e, i) => sum + (e - t.cpu_start[i]), 0);
  const note = [`last span ended at ${fmt.seconds(t.max_end)}`,
    `CPU busy ${fmt.percent(t.max_end > 0 ? cpu_total / t.max_end : null)} of that`,
    `from ${inputs[t.input].file}`].join(" · ");
  return timeline_chart(parent, {
    title: `${t.mode}: ${fmt.count(t.n !== null ? t.n : t.index.length)} tasks` + (t.difficulty !== null ? ` at difficulty ${t.difficulty}` : ""),
    note,
    layers,
    max_end: t.max_end,
    rows,
    y_label: "task number",
    height: Math.min(360, Math.max(220, 14 * t.index.length + 80)),
    legend: chip_legend([["CPU (hashing)", cpu_colour], ["I/O (saving)", io_colour]]),
    describe: (row) => {
      const i = find(row);
      if (i === undefined) return `task ${row}: none`;
      const io = t.io_start[i] === null ? "no I/O" : `I/O ${fmt.seconds(t.io_start[i])} → ${fmt.seconds(t.io_end[i])}`;
      return `task ${row}: CPU ${fmt.seconds(t.cpu_start[i])} → ${fmt.seconds(t.cpu_end[i])}, ${io}`;
    },
  });
}

/** [min, max] of a large array without spreading it into arguments. */
function sample_extremes(values) {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) { if (v < lo) lo = v; if (v > hi) hi = v; }
  return [lo, hi];
}
