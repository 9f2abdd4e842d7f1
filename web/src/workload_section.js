"use strict";
// The CPU + I/O workload: Table 8-2 (seconds per mode and difficulty), times slower than
// no I/O against the time per iteration (Figures 8-10, 8-11), and the CPU/I/O timeline
// (Figure 8-9).

function workload_table(parent, w, inputs) {
  const difficulties = [...new Set(w.runs.map((r) => r.difficulty).concat(w.calibration.map((c) => c.difficulty)))]
    .sort((a, b) => a - b);
  const modes = [...new Set(w.runs.map((r) => r.mode))];
  modes.sort((a, b) => (a === "noio") - (b === "noio")); // the baseline last, as in the book
  const calibration = new Map(w.calibration.map((c) => [c.difficulty, c.seconds_per_hash]));
  const head = el("tr", {}, el("th", {}, "difficulty"), difficulties.map((d) => el("th", {class: "num"}, d)));
  const rows = [el("tr", {class: "calibration"}, el("td", {}, "seconds per hash (calibration)"),
    difficulties.map((d) => el("td", {class: "num"}, calibration.has(d) ? fmt.seconds(calibration.get(d)) : "–")))];
  for (const mode of modes) {
    rows.push(el("tr", {},
      el("td", {}, el("i", {class: "swatch", style: {background: mode === "noio" ? "#555" : colour_of("mode " + mode)}}), mode),
      difficulties.map((d) => {
        const run = w.runs.find((r) => r.mode === mode && r.difficulty === d);
        if (!run) return el("td", {class: "num muted"}, "–");
        const extra = [`${fmt.count(run.n)} tasks`];
        if (run.hidden_io_share !== null) extra.push(`${fmt.percent(run.hidden_io_share)} of I/O hidden`);
        if (run.failed) extra.push(`${run.failed} failed`);
        return el("td", {class: "num", title: extra.join(", ")}, el("span", {class: "strong"}, fmt.seconds(run.seconds)),
          run.ratio_to_noio !== null && mode !== "noio" ? el("span", {class: "muted"}, " " + fmt.ratio(run.ratio_to_noio)) : null);
      })));
  }
  parent.append(el("div", {class: "table-block"},
    el("h3", {}, "Table 8-2: seconds per mode and difficulty (× = times slower than no I/O)"),
    provenance(inputs[w.input]),
    el("div", {class: "table-wrap"}, el("table", {class: "data"}, el("thead", {}, head), el("tbody", {}, rows)))));
}

function ratio_chart(parent, w, view) {
  const ratios = w.ratio_series.filter((s) => s.ratio.length > 0 && !view.leave_out.includes(s.mode));
  if (ratios.length === 0) return;
  const xs = [...new Set(ratios.flatMap((s) => s.time_per_iteration))].sort((a, b) => a - b);
  const at = new Map(xs.map((x, i) => [x, i]));
  const data = [xs];
  const series = [{label: "time per iteration", value: (u, v) => fmt.seconds(v)}];
  for (const s of ratios) {
    const ys = new Array(xs.length).fill(null);
    s.time_per_iteration.forEach((x, i) => { ys[at.get(x)] = s.ratio[i]; });
    data.push(ys);
    const c = colour_of("mode " + s.mode);
    series.push({label: s.mode, stroke: c, width: 2, spanGaps: true, points: {show: true, size: 7, fill: c},
      value: (u, v) => fmt.ratio(v)});
  }
  make_chart(parent, {
    title: view.title,
    note: view.note,
    data,
    build: (width) => ({
      width,
      height: 340,
      cursor: {drag: {x: true, y: true, uni: 30}},
      scales: {
        x: {time: false, range: (u, min, max) => [0, max * 1.08]},
        y: {range: (u, min, max) => [Math.min(0.9, min), Math.max(1.1, max * 1.08)]},
      },
      axes: [axis("time per iteration (s per hash)"), axis("times slower than no I/O", {size: 56})],
      series,
      hooks: {draw: [(u) => draw_horizontal_marker(u, 1, "no I/O", "#555")]},
    }),
  });
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
  if (data.workload_results.length) {
    const s = section(parent, "workload", "Workload: CPU work with I/O",
      "Each task hashes a password (CPU) and saves the hash (100 ms of I/O). No I/O is the floor; " +
      "the closer a mode stays to it, the better it hides the I/O behind the CPU work.");
    for (const w of data.workload_results) {
      workload_table(s, w, data.inputs);
      const grid = el("div", {class: "panels"});
      s.append(grid);
      ratio_chart(grid, w, {leave_out: [], title: "Times slower than no I/O, against the time per iteration",
        note: "Every mode (Figure 8-10). 1 means the I/O was hidden completely behind the hashing."});
      const modes = w.ratio_series.filter((x) => x.ratio.length > 0).map((x) => x.mode);
      if (modes.includes("serial") && modes.length > 1) {
        ratio_chart(grid, w, {leave_out: ["serial"], title: "The same without serial",
          note: "Batches, async and the rest up close (Figure 8-11): how much of the I/O each one still pays."});
      }
    }
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
