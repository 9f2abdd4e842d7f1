"use strict";
// The CPU + I/O workload: Table 8-2 (seconds per mode and difficulty), times slower than
// no I/O against the time per iteration (Figures 8-10, 8-11), and the CPU/I/O timeline
// (Figure 8-9).

const noio_colour = "#555";
function mode_colour(mode) { return mode === "noio" ? noio_colour : colour_of("mode " + mode); }

/** Table 8-2 for every workload result file given: modes by difficulty. */
function workload_table(parent, w, inputs) {
  const difficulties = [...new Set(w.runs.map((r) => r.difficulty).concat(w.calibration.map((c) => c.difficulty)))]
    .sort((a, b) => a - b);
  const modes = [...new Set(w.runs.map((r) => r.mode))];
  modes.sort((a, b) => (a === "noio") - (b === "noio")); // the baseline last, as in the book
  const calibration = new Map();
  for (const c of w.calibration) if (!calibration.has(c.difficulty)) calibration.set(c.difficulty, c.seconds_per_hash);
  const head = el("tr", {}, el("th", {}, "difficulty"), difficulties.map((d) => el("th", {class: "num"}, d)));
  const rows = [el("tr", {class: "calibration"}, el("td", {}, "seconds per hash (calibration)"),
    difficulties.map((d) => el("td", {class: "num"}, calibration.has(d) ? fmt.seconds(calibration.get(d)) : "–")))];
  for (const mode of modes) {
    rows.push(el("tr", {},
      el("td", {}, el("i", {class: "swatch", style: {background: mode_colour(mode)}}), mode),
      difficulties.map((d) => {
        const runs = w.runs.filter((r) => r.mode === mode && r.difficulty === d);
        if (!runs.length) return el("td", {class: "num muted"}, "–");
        const run = runs[0];
        const extra = [`${fmt.count(run.n)} tasks`];
        if (run.hidden_io_share !== null) extra.push(`${fmt.percent(run.hidden_io_share)} of I/O hidden`);
        if (run.failed) extra.push(`${run.failed} failed`);
        if (runs.length > 1) extra.push(`${runs.length - 1} more run(s) at this difficulty in the charts`);
        return el("td", {class: "num", title: extra.join(", ")}, el("span", {class: "strong"}, fmt.seconds(run.seconds)),
          run.ratio_to_noio !== null && mode !== "noio" ? el("span", {class: "muted"}, " " + fmt.ratio(run.ratio_to_noio)) : null);
      })));
  }
  parent.append(el("div", {class: "table-block"},
    el("h3", {}, "Table 8-2: seconds per mode and difficulty (× = times slower than no I/O)"),
    w.inputs.map((i) => provenance(inputs[i])),
    el("div", {class: "table-wrap"}, el("table", {class: "data"}, el("thead", {}, head), el("tbody", {}, rows)))));
}

/**
 * One figure of the workload: x = time per iteration, one line per mode across the
 * difficulties. view: {title, note, y: "seconds" | "seconds_per_task" | "ratio", label,
 * leave_out: modes not drawn, value: formatter, baseline: draw the y = 1 line}.
 */
function workload_chart(parent, w, view) {
  const lines = w.series.filter((s) => s.time_per_iteration.length > 0 && !view.leave_out.includes(s.mode));
  if (lines.length === 0) return;
  const xs = [...new Set(lines.flatMap((s) => s.time_per_iteration))].sort((a, b) => a - b);
  const at = new Map(xs.map((x, i) => [x, i]));
  const data = [xs];
  const series = [{label: "time per iteration", value: (u, v) => (v === null ? "–" : fmt.seconds(v))}];
  for (const s of lines) {
    const ys = new Array(xs.length).fill(null);
    s.time_per_iteration.forEach((x, i) => { ys[at.get(x)] = s[view.y][i]; });
    data.push(ys);
    const c = mode_colour(s.mode);
    series.push({label: s.mode, stroke: c, width: 2, spanGaps: true, points: {show: true, size: 7, fill: c},
      value: (u, v) => (v === null ? "–" : view.value(v))});
  }
  const entry = make_chart(parent, {
    title: view.title,
    note: view.note,
    data,
    build: (width) => ({
      width,
      height: 340,
      cursor: {drag: {x: true, y: true, uni: 30}},
      scales: {
        x: {time: false, range: (u, min, max) => [0, max * 1.08]},
        y: {range: view.baseline ? (u, min, max) => [Math.min(0.9, min), Math.max(1.1, max * 1.08)]
          : (u, min, max) => [0, max * 1.08]},
      },
      axes: [axis("time per iteration (s per hash)"), axis(view.label, {size: 56})],
      series,
      hooks: view.baseline ? {draw: [(u) => draw_horizontal_marker(u, 1, "no I/O", noio_colour)]} : {},
    }),
  });
  // For the browser test: which lines the chart has, and how many points each joins.
  entry.lines = lines.map((s) => ({mode: s.mode, points: s.time_per_iteration.length, difficulties: s.difficulty}));
}

function workload_figures(parent, w) {
  const grid = el("div", {class: "panels"});
  parent.append(grid);
  const totals = w.same_n;
  const left_out = w.left_out ? ` ${w.left_out} run(s) without a no-I/O run at their difficulty in their file are left out.` : "";
  workload_chart(grid, w, {leave_out: [], y: totals ? "seconds" : "seconds_per_task", baseline: false,
    label: totals ? "seconds (whole run)" : "seconds per task", value: fmt.seconds,
    title: "Time taken against the time per iteration",
    note: "One line per mode across the bcrypt difficulties; the x axis is the seconds one hash takes " +
      "(the calibration where measured, else the no-I/O run's seconds per task)." +
      (totals ? "" : " The runs differ in size, so the y axis is per task.") + left_out});
  workload_chart(grid, w, {leave_out: ["noio"], y: "ratio", baseline: true, label: "times slower than no I/O",
    value: fmt.ratio, title: "Times slower than no I/O, against the time per iteration",
    note: "Each mode's time over the no-I/O run's at the same difficulty. 1 means the I/O was hidden completely."});
  const others = w.series.filter((s) => s.mode !== "noio" && s.mode !== "serial" && s.ratio.length > 0);
  if (w.series.some((s) => s.mode === "serial") && others.length > 0) {
    workload_chart(grid, w, {leave_out: ["noio", "serial"], y: "ratio", baseline: true,
      label: "times slower than no I/O", value: fmt.ratio, title: "The same without serial",
      note: "Batches, async and the rest up close: how much of the I/O each one still pays."});
  }
}

/** A labelled horizontal reference line at y = value. */
function draw_horizontal_marker(u, value, label, colour) {
  if (value < u.scales.y.min || value > u.scales.y.max) return;
  const {left, width} = u.bbox;
  const dpr = devicePixelRatio || 1;
  const y = Math.round(u.valToPos(value, "y", true)) + 0.5;
  const ctx = u.ctx;
  ctx.save();
  ctx.strokeStyle = colour;
  ctx.setLineDash([5 * dpr, 4 * dpr]);
  ctx.lineWidth = dpr;
  ctx.beginPath();
  ctx.moveTo(left, y);
  ctx.lineTo(left + width, y);
  ctx.stroke();
  ctx.fillStyle = colour;
  ctx.font = `600 ${11 * dpr}px system-ui, sans-serif`;
  ctx.textAlign = "right";
  ctx.fillText(label, left + width - 4 * dpr, y - 4 * dpr);
  ctx.restore();
}

function workload_sections(parent, data) {
  if (data.workload) {
    const s = section(parent, "workload", "Workload: CPU work with I/O",
      "Each task hashes a password (CPU) and saves the hash (100 ms of I/O). No I/O is the floor; " +
      "the closer a mode stays to it, the better it hides the I/O behind the CPU work. The charts are the " +
      "book's Figures 8-10 and 8-11: x = the time one hash takes, one line per mode across the difficulties.");
    workload_table(s, data.workload, data.inputs);
    workload_figures(s, data.workload);
  }
  if (data.workload_timelines.length) {
    const s = section(parent, "workload-timelines", "CPU and I/O timeline",
      "Each task's hashing (CPU) and saving (I/O) on its own row (Figure 8-9): where the orange spans overlap " +
      "the blue ones, the I/O is hidden.");
    const grid = el("div", {class: "panels"});
    s.append(grid);
    for (const t of data.workload_timelines) workload_timeline_panel(grid, t, data.inputs);
  }
}
