"use strict";
// What every chart shares: uPlot options, wheel zoom, a reset button, resizing, and the
// self-check the tests read (did each chart put coloured pixels in its plotting area?).

/** Every chart on the page, for resizing and for the self-check. */
const chart_registry = [];

const axis_style = {
  stroke: "#3a3f47",
  font: "12px system-ui, sans-serif",
  labelFont: "600 12px system-ui, sans-serif",
  grid: {stroke: "#e7e9ed", width: 1},
  ticks: {stroke: "#c9cdd3", width: 1, size: 4},
};

/** An x or y axis with a label (units included) and tidy numeric ticks. */
function axis(label, extra) {
  return Object.assign({}, axis_style, {label, labelSize: 22, values: (u, splits) => splits.map(fmt.tick)}, extra);
}

/**
 * Wheel zoom around the cursor: the wheel zooms x, shift+wheel zooms y, never past the
 * full range `full(key)` returns. Only for linear scales (the timelines).
 */
function wheel_zoom(full) {
  return {
    hooks: {
      ready(u) {
        u.over.addEventListener("wheel", (e) => {
          e.preventDefault();
          const key = e.shiftKey ? "y" : "x";
          const [lo, hi] = full(key);
          const sc = u.scales[key];
          const rect = u.over.getBoundingClientRect();
          const at = u.posToVal(key === "x" ? e.clientX - rect.left : e.clientY - rect.top, key);
          const factor = e.deltaY < 0 ? 0.8 : 1.25;
          let min = at - (at - sc.min) * factor;
          let max = at + (sc.max - at) * factor;
          if (max - min >= hi - lo) { min = lo; max = hi; }
          if (min < lo) { max += lo - min; min = lo; }
          if (max > hi) { min -= max - hi; max = hi; }
          u.setScale(key, {min: Math.max(lo, min), max: Math.min(hi, max)});
        }, {passive: false});
      },
    },
  };
}

/**
 * A figure: title, optional note, a toolbar with "reset zoom", the chart and a readout
 * line. `build(width)` returns the uPlot options; the data is given as is.
 */
function make_chart(parent, spec) {
  const reset = el("button", {type: "button", class: "reset", title: "Show everything (or double-click the chart)"},
    "reset zoom");
  const readout = el("div", {class: "readout"}, spec.hint || "");
  const holder = el("div", {class: "chart"});
  const figure = el("figure", {class: "figure" + (spec.wide ? " wide" : "")},
    el("div", {class: "figure-head"}, el("h3", {}, spec.title), spec.zoom === false ? null : reset),
    spec.note ? el("p", {class: "note"}, spec.note) : null,
    holder, readout, spec.legend || null);
  parent.append(figure);
  const width = Math.max(320, holder.clientWidth || parent.clientWidth || 800);
  const opts = spec.build(width, readout);
  const plot = new uPlot(opts, spec.data, holder);
  reset.addEventListener("click", () => plot.setData(plot.data, true));
  const entry = {name: spec.title, plot, holder, height: opts.height, draw_ms: 0};
  chart_registry.push(entry);
  return entry;
}

/**
 * Makes every chart as wide as its box. A chart is built before the ones after it are
 * laid out beside it (a grid cell alone takes the whole row), so this runs once when
 * the page is built, and again whenever the window changes size.
 */
function fit_charts() {
  for (const c of chart_registry) {
    const width = Math.max(320, c.holder.clientWidth);
    if (width !== c.plot.width) c.plot.setSize({width, height: c.height});
  }
}

function follow_window_size() {
  let pending = 0;
  window.addEventListener("resize", () => {
    clearTimeout(pending);
    pending = setTimeout(fit_charts, 100);
  });
}

/**
 * Draws horizontal segments, one per row, straight onto the plot's canvas: the whole
 * layer is one path and one stroke, which is what keeps 100,000 requests smooth.
 * layer: {color, start, end, row, sorted}; `sorted` means start ascends, so the loop can
 * stop at the first segment that starts after the visible range. Returns segments drawn.
 */
function draw_segments(u, layers) {
  const {left, top, width, height} = u.bbox;
  const xs = u.scales.x, ys = u.scales.y;
  const x_per = width / (xs.max - xs.min);
  const y_per = height / (ys.max - ys.min);
  const dpr = devicePixelRatio || 1;
  const row_px = y_per; // one row is one unit of y
  const line = row_px >= 3 * dpr ? Math.min(row_px * 0.72, 16 * dpr) : dpr;
  const snap = line <= dpr ? 0.5 : 0;
  const ctx = u.ctx;
  let drawn = 0;
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, width, height);
  ctx.clip();
  ctx.lineWidth = line;
  ctx.lineCap = "butt";
  for (const layer of layers) {
    const {start, end, row} = layer;
    ctx.beginPath();
    for (let i = 0; i < start.length; i++) {
      const s = start[i];
      if (s > xs.max) { if (layer.sorted) break; else continue; }
      const e = end[i];
      const r = row[i];
      if (e < xs.min || r < ys.min || r > ys.max || s === null || e === null) continue;
      const x0 = left + (Math.max(s, xs.min) - xs.min) * x_per;
      const x1 = Math.max(x0 + dpr, left + (Math.min(e, xs.max) - xs.min) * x_per);
      const y = Math.round(top + height - (r - ys.min) * y_per) + snap;
      ctx.moveTo(x0, y);
      ctx.lineTo(x1, y);
      drawn++;
    }
    ctx.strokeStyle = layer.color;
    ctx.stroke();
  }
  ctx.restore();
  return drawn;
}

/** A labelled vertical reference line (the limit) at x = value, in the plot's canvas. */
function draw_vertical_marker(u, value, label, colour) {
  const {left, top, width, height} = u.bbox;
  if (value < u.scales.x.min || value > u.scales.x.max) return;
  const x = Math.round(u.valToPos(value, "x", true)) + 0.5;
  const dpr = devicePixelRatio || 1;
  const ctx = u.ctx;
  ctx.save();
  ctx.strokeStyle = colour;
  ctx.lineWidth = 1.5 * dpr;
  ctx.setLineDash([5 * dpr, 4 * dpr]);
  ctx.beginPath();
  ctx.moveTo(x, top);
  ctx.lineTo(x, top + height);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.font = `600 ${11 * dpr}px system-ui, sans-serif`;
  const text_width = ctx.measureText(label).width;
  const right_side = x + 8 * dpr + text_width < left + width;
  const text_x = right_side ? x + 5 * dpr : x - 5 * dpr - text_width;
  ctx.fillStyle = "rgba(255, 255, 255, 0.88)"; // keep the label readable over dense data
  // At the bottom: late and low is where a timeline is emptiest.
  const box_top = top + height - 19 * dpr;
  ctx.fillRect(text_x - 3 * dpr, box_top, text_width + 6 * dpr, 15 * dpr);
  ctx.fillStyle = colour;
  ctx.textAlign = "left";
  ctx.fillText(label, text_x, box_top + 11 * dpr);
  ctx.restore();
}

/**
 * Pixels in the plotting area that are clearly coloured (grid and axes are grey). It
 * reads a copy, so the chart's own canvas is never read back (which would slow it down).
 */
const scratch = document.createElement("canvas");
function coloured_pixels(u) {
  const {left, top, width, height} = u.bbox;
  if (width < 1 || height < 1) return 0;
  scratch.width = width;
  scratch.height = height;
  const ctx = scratch.getContext("2d", {willReadFrequently: true});
  ctx.clearRect(0, 0, width, height);
  ctx.drawImage(u.ctx.canvas, left, top, width, height, 0, 0, width, height);
  const px = ctx.getImageData(0, 0, width, height).data;
  let n = 0;
  for (let i = 0; i < px.length; i += 4) {
    const hi = Math.max(px[i], px[i + 1], px[i + 2]);
    const lo = Math.min(px[i], px[i + 1], px[i + 2]);
    if (px[i + 3] > 128 && hi - lo > 60) n++;
  }
  return n;
}

/** A legend of coloured chips for charts drawn by hand (the timelines). */
function chip_legend(items) {
  return el("div", {class: "chips"}, items.map(([label, colour, dashed]) =>
    el("span", {class: "chip"}, el("i", {class: dashed ? "dashed" : "", style: {borderColor: colour, background: dashed ? "none" : colour}}), label)));
}
