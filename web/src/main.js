"use strict";
// The entry point: read the inlined data, draw every section, then check what was drawn
// and write the result into #status (the browser test reads it from the DOM).

function render_section(parent, name, fn) {
  try {
    fn();
  } catch (e) {
    window.overlap_errors.push(`${name}: ${e && e.stack ? e.stack : e}`);
    parent.append(el("div", {class: "error"}, `Could not draw ${name}: ${e}`));
  }
}

function write_status(data, pixels, zoomed) {
  const charts = chart_registry.map((c, i) => ({name: c.name, pixels: pixels[i],
    segments: c.segments === undefined ? null : c.segments, lines: c.lines === undefined ? null : c.lines,
    draw_ms: +c.draw_ms.toFixed(1)}));
  const blank = charts.filter((c) => c.pixels === 0 || (zoomed && zoomed[c.name] === 0)).map((c) => c.name);
  const status = {
    ok: blank.length === 0 && window.overlap_errors.length === 0 && performance.getEntriesByType("resource").length === 0,
    inputs: data.inputs.length,
    charts: charts.length,
    drawn: charts.length - blank.length,
    blank,
    errors: window.overlap_errors.slice(),
    // Anything fetched after the page itself: a self-contained page fetches nothing.
    resources: performance.getEntriesByType("resource").map((r) => r.name),
    detail: charts,
    zoomed,
  };
  const pre = document.getElementById("status");
  pre.textContent = JSON.stringify(status);
  document.body.dataset.status = status.ok ? "ok" : "failed";
}

/**
 * report.html?only=timelines,sweep shows just those sections (for a picture or a
 * printout); #timelines scrolls to one, which the browser cannot do by itself because
 * the sections are built by this script after it looked for the anchor.
 */
function show_only_requested_sections() {
  const only = new URLSearchParams(location.search).get("only");
  if (only) {
    const keep = only.split(",");
    for (const s of document.querySelectorAll("section.section")) s.hidden = !keep.includes(s.id);
    document.querySelector(".page-header").hidden = true;
    document.querySelector(".page-footer").hidden = true;
  }
  const target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  if (target) target.scrollIntoView();
}

/**
 * report.html?zoom: zooms every chart in on its middle data, as a drag would, and counts
 * what it drew there, so the browser test covers the zoomed drawing path as well.
 */
async function zoom_self_test() {
  for (const c of chart_registry) {
    const target = c.zoom_target ? c.zoom_target() : middle_of_x(c.plot);
    for (const [key, range] of Object.entries(target)) c.plot.setScale(key, range);
  }
  await new Promise((resolve) => setTimeout(resolve, 0));
  return Object.fromEntries(chart_registry.map((c) => [c.name, coloured_pixels(c.plot)]));
}

/** The x range spanning the middle three points of a chart's data. */
function middle_of_x(plot) {
  const xs = plot.data[0];
  const mid = Math.floor(xs.length / 2);
  return {x: {min: xs[Math.max(0, mid - 1)], max: xs[Math.min(xs.length - 1, mid + 1)]}};
}

async function main() {
  const data = JSON.parse(document.getElementById("overlap-data").textContent);
  const root = document.getElementById("report");
  render_section(root, "the inputs", () => inputs_section(root, data.inputs));
  render_section(root, "the crawl", () => crawl_sections(root, data));
  render_section(root, "the workload", () => workload_sections(root, data));
  fit_charts();
  follow_window_size();
  show_only_requested_sections();
  // uPlot draws in a microtask after construction; let it, then look at the pixels.
  await new Promise((resolve) => setTimeout(resolve, 0));
  const pixels = chart_registry.map((c) => coloured_pixels(c.plot));
  const zoomed = new URLSearchParams(location.search).has("zoom") ? await zoom_self_test() : null;
  write_status(data, pixels, zoomed);
}

main().catch((e) => {
  window.overlap_errors.push(String(e && e.stack ? e.stack : e));
  document.getElementById("status").textContent = JSON.stringify({ok: false, errors: window.overlap_errors});
});
