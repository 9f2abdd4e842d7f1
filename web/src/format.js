"use strict";
// Formatting and DOM helpers shared by every section of the page.

/** Creates an element: el("td", {class: "num"}, "1.0", childNode, ...). */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "style" && typeof value === "object") Object.assign(node.style, value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const fmt = {
  /** Seconds with a precision that suits their size: 102.7 s, 1.012 s, 0.0503 s. */
  seconds(s) {
    if (s === null || s === undefined || !isFinite(s)) return "–";
    if (s >= 100) return s.toFixed(1) + " s";
    if (s >= 10) return s.toFixed(2) + " s";
    if (s >= 0.1) return s.toFixed(3) + " s";
    if (s >= 0.001) return (s * 1000).toFixed(1) + " ms";
    return (s * 1e6).toFixed(0) + " µs";
  },
  ms(v) {
    if (v === null || v === undefined || !isFinite(v)) return "–";
    return (v >= 100 ? v.toFixed(1) : v.toFixed(2)) + " ms";
  },
  percent(v) {
    return v === null || v === undefined || !isFinite(v) ? "–" : (v * 100).toFixed(1) + " %";
  },
  count(v) {
    return v === null || v === undefined ? "–" : Number(v).toLocaleString("en-US");
  },
  rate(v) {
    if (v === null || v === undefined || !isFinite(v)) return "–";
    return v >= 100 ? Math.round(v).toLocaleString("en-US") : v.toFixed(2);
  },
  ratio(v) {
    return v === null || v === undefined || !isFinite(v) ? "–" : "×" + v.toFixed(v >= 10 ? 1 : 2);
  },
  /** An axis tick on a time axis in seconds, without trailing noise. */
  tick(v) {
    if (v === null || v === undefined) return "";
    if (v === 0) return "0";
    const a = Math.abs(v);
    if (a >= 1000) return (v / 1000).toFixed(0) + "k";
    return String(+v.toPrecision(4));
  },
};

/** What one input is, in words: "crawl result", "workload timeline". */
function input_label(input) {
  return `${input.command} ${input.kind}`;
}

/** The machine as one line: "2 CPUs · Intel Xeon · Debian 12 · g++ 12.2.0". */
function machine_line(machine) {
  if (!machine || Object.keys(machine).length === 0) return "machine not recorded";
  const parts = [];
  if (machine.cpus !== undefined) parts.push(`${machine.cpus} CPU${machine.cpus === 1 ? "" : "s"}`);
  for (const key of ["cpu_model", "os", "compiler"]) if (machine[key]) parts.push(String(machine[key]));
  for (const [key, value] of Object.entries(machine)) {
    if (!["cpus", "cpu_model", "os", "compiler"].includes(key)) parts.push(`${key}: ${JSON.stringify(value)}`);
  }
  return parts.join(" · ");
}

/** The line under a table or chart saying where its numbers come from. */
function provenance(input) {
  return el("p", {class: "provenance"},
    el("span", {class: "badge"}, input_label(input)), " ",
    el("code", {}, input.argv), " ",
    el("span", {class: "muted"}, `${input.file}${input.date ? " · " + input.date : ""} · ${machine_line(input.machine)}`));
}

/** A colour per series: the Okabe–Ito palette, readable by colour-blind eyes. */
const palette = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#8C6D1F", "#7A3E9D"];
function color(i) { return palette[i % palette.length]; }
