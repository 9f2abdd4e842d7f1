"use strict";
// The crawl's sections: Table 8-1 (every strategy against the limit), latency by
// percentile (latency_section.js), the request timelines, the concurrency sweep
// (Figure 8-3) and the rate sweep (rate_sweep_section.js).

/** A section with an anchor for the table of contents. */
function section(parent, id, title, intro) {
  const s = el("section", {id, class: "section"}, el("h2", {}, title), intro ? el("p", {class: "intro"}, intro) : null);
  parent.append(s);
  const toc = document.getElementById("toc");
  if (toc) toc.append(el("a", {href: "#" + id}, title));
  return s;
}

function inputs_section(parent, inputs) {
  const s = section(parent, "inputs", "Inputs", "Each file drawn here, the command that wrote it and the machine it ran on.");
  const rows = inputs.map((input, i) => el("tr", {},
    el("td", {class: "num"}, i + 1),
    el("td", {}, el("span", {class: "badge"}, input_label(input))),
    el("td", {}, el("code", {}, input.argv)),
    el("td", {}, input.file),
    el("td", {class: "nowrap"}, input.date || "–"),
    el("td", {}, machine_line(input.machine))));
  s.append(el("div", {class: "table-wrap"}, el("table", {class: "data"},
    el("thead", {}, el("tr", {}, ["#", "what", "command", "file", "date", "machine"].map((h) => el("th", {}, h)))),
    el("tbody", {}, rows))));
}

/** An efficiency bar: how much of the limit a run reached (1 = at the limit). */
function efficiency_cell(efficiency) {
  const v = efficiency === null ? 0 : Math.max(0, Math.min(1, efficiency));
  const hue = Math.round(120 * v); // red (far from the limit) to green (at it)
  return el("td", {class: "bar-cell"},
    el("div", {class: "bar"}, el("span", {style: {width: (v * 100).toFixed(1) + "%", background: `hsl(${hue} 55% 48%)`}})),
    el("span", {class: "bar-label"}, fmt.percent(efficiency)));
}

function errors_cell(run) {
  const kinds = Object.entries(run.errors_by_kind || {}).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`);
  const text = run.errors === 0 ? "0" : `${fmt.count(run.errors)}${kinds.length ? " (" + kinds.join(", ") + ")" : ""}`;
  return el("td", {class: "num" + (run.errors > 0 ? " bad" : "")}, text, run.retries ? el("div", {class: "muted"}, `${run.retries} retries`) : null);
}

function crawl_table(parent, result, inputs) {
  const head = ["strategy", "n", "concurrency", "delay", "seconds", "limit", "efficiency (limit ÷ seconds)", "req/s",
    "p50", "p99", "max latency", "errors"];
  const rows = result.runs.map((r) => el("tr", {},
    el("td", {}, el("i", {class: "swatch", style: {background: colour_of(r.strategy)}}), r.strategy),
    el("td", {class: "num"}, fmt.count(r.n)),
    el("td", {class: "num"}, fmt.count(r.concurrency)),
    el("td", {class: "num"}, r.delay_ms === null ? "unknown" : r.delay_ms + " ms"),
    el("td", {class: "num strong"}, fmt.seconds(r.seconds), r.extrapolated ? el("span", {class: "muted", title: "extrapolated from a shorter run"}, " (extrapolated)") : null),
    el("td", {class: "num"}, fmt.seconds(r.limit_seconds)),
    efficiency_cell(r.efficiency),
    el("td", {class: "num"}, fmt.rate(r.requests_per_second)),
    el("td", {class: "num"}, fmt.ms(r.latency_ms.p50)),
    el("td", {class: "num"}, fmt.ms(r.latency_ms.p99)),
    el("td", {class: "num"}, fmt.ms(r.latency_ms.max)),
    errors_cell(r)));
  parent.append(el("div", {class: "table-block"},
    el("h3", {}, "Table 8-1: every strategy against the limit"),
    provenance(inputs[result.input]),
    el("div", {class: "table-wrap"}, el("table", {class: "data"},
      el("thead", {}, el("tr", {}, head.map((h) => el("th", {}, h)))), el("tbody", {}, rows)))));
}

function crawl_sections(parent, data) {
  if (data.crawl_results.length) {
    const s = section(parent, "crawl", "Crawl: time against the limit",
      "The limit is ⌈n ÷ concurrency⌉ rounds of one delay each: no crawler can finish sooner. " +
      "Efficiency is the limit divided by the time taken.");
    for (const result of data.crawl_results) crawl_table(s, result, data.inputs);
    latency_sections(parent, data);
  }
  if (data.crawl_timelines.length) {
    const s = section(parent, "timelines", "Request timelines",
      "One line per request from its start to its end (Figures 8-2, 8-4, 8-5, 8-6). Requests that overlap stack up; " +
      "a serial crawler draws a staircase, a semaphore a block per round. Each panel has its own time axis, " +
      "from 0 to its last request: the panels do not share one, so read the seconds on each axis.");
    const grid = el("div", {class: "panels"});
    s.append(grid);
    for (const t of data.crawl_timelines) crawl_timeline_panel(grid, t, data.inputs);
  }
  const grid_sweeps = data.sweeps.filter((s) => !s.by_rate);
  const rate_sweeps = data.sweeps.filter((s) => s.by_rate);
  if (grid_sweeps.length) {
    const s = section(parent, "sweep", "Concurrency sweep",
      "Time to fetch every URL against the concurrency, one line per delay on a log time axis, with the ideal " +
      "⌈n ÷ c⌉ × delay dashed beside it (Figure 8-3). Where a line leaves its ideal, more concurrency stops helping.");
    for (const sweep of grid_sweeps) sweep_chart(s, sweep, data.inputs);
  }
  if (rate_sweeps.length) {
    const s = section(parent, "rate-sweep", "Rate sweep: latency against the offered rate",
      "One paced crawl per offered rate (the open model), its latency percentiles on a log axis: the hockey stick. " +
      "Below the capacity the latency stays near the server's delay; past it requests are due faster than they can " +
      "be answered, the backlog grows for as long as the load lasts, and the corrected latency (from when each " +
      "request was due) climbs with it, while the uncorrected one (from when it was sent) hardly moves.");
    for (const sweep of rate_sweeps) rate_sweep_chart(s, sweep, data.inputs);
  }
}

/** Aligns per-delay series on one x array (the union of concurrencies), nulls elsewhere. */
function align_sweep(series) {
  const xs = [...new Set(series.flatMap((s) => s.concurrency))].sort((a, b) => a - b);
  const at = new Map(xs.map((x, i) => [x, i]));
  const data = [xs];
  for (const s of series) {
    const measured = new Array(xs.length).fill(null);
    const ideal = new Array(xs.length).fill(null);
    s.concurrency.forEach((c, i) => {
      measured[at.get(c)] = s.seconds[i] > 0 ? s.seconds[i] : null;
      ideal[at.get(c)] = s.ideal_seconds[i] > 0 ? s.ideal_seconds[i] : null;
    });
    data.push(measured, ideal);
  }
  return data;
}

function sweep_chart(parent, sweep, inputs) {
  const input = inputs[sweep.input];
  const series = [{label: "concurrency", value: (u, v) => (v === null ? "–" : fmt.count(v))}];
  sweep.series.forEach((s, i) => {
    const c = color(i);
    series.push({label: `${s.delay_ms} ms`, stroke: c, width: 2, spanGaps: true, points: {show: true, size: 5, fill: c},
      value: (u, v) => fmt.seconds(v)});
    series.push({label: `ideal ${s.delay_ms} ms`, stroke: c, width: 1.5, dash: [6, 5], spanGaps: true,
      points: {show: false}, value: (u, v) => fmt.seconds(v)});
  });
  const block = el("div", {class: "table-block"});
  parent.append(block);
  block.append(provenance(input));
  make_chart(block, {
    title: `${sweep.strategy || "sweep"}: ${fmt.count(sweep.n)} requests, time against concurrency` +
      (sweep.partial ? " (partial sweep: the best is among the points run)" : ""),
    wide: true,
    hint: "Drag to zoom; double-click to reset. Rings mark the fastest concurrency of each delay.",
    data: align_sweep(sweep.series),
    build: (width) => ({
      width,
      height: 380,
      cursor: {drag: {x: true, y: true, uni: 30}},
      scales: {x: {time: false}, y: {distr: 3, log: 10}},
      axes: [axis("concurrency (requests in flight at most)"), axis("time to fetch all (s), log scale", {size: 64})],
      series,
      hooks: {draw: [(u) => draw_best_rings(u, sweep)]},
    }),
  });
  const rows = sweep.best.map((b, i) => {
    const s = sweep.series.find((x) => x.delay_ms === b.delay_ms);
    const ideal = s.ideal_seconds[s.concurrency.indexOf(b.concurrency)];
    return el("tr", {},
      el("td", {}, el("i", {class: "swatch", style: {background: color(i)}}), `${b.delay_ms} ms`),
      el("td", {class: "num strong"}, fmt.count(b.concurrency)),
      el("td", {class: "num"}, fmt.seconds(b.seconds)),
      el("td", {class: "num"}, fmt.seconds(ideal)),
      el("td", {class: "num"}, fmt.ratio(ideal > 0 ? b.seconds / ideal : null)));
  });
  block.append(el("div", {class: "table-wrap narrow"}, el("table", {class: "data"},
    el("thead", {}, el("tr", {}, ["delay", "best concurrency", "seconds", "ideal at that concurrency", "over ideal"].map((h) => el("th", {}, h)))),
    el("tbody", {}, rows))));
}

/** Rings around each delay's fastest point. */
function draw_best_rings(u, sweep) {
  const ctx = u.ctx;
  const dpr = devicePixelRatio || 1;
  ctx.save();
  ctx.lineWidth = 2 * dpr;
  sweep.best.forEach((b, i) => {
    const x = u.valToPos(b.concurrency, "x", true);
    const y = u.valToPos(b.seconds, "y", true);
    if (!isFinite(x) || !isFinite(y)) return;
    ctx.strokeStyle = color(i);
    ctx.beginPath();
    ctx.arc(x, y, 7 * dpr, 0, 2 * Math.PI);
    ctx.stroke();
  });
  ctx.restore();
}
