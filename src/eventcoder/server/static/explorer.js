// eventcoder explorer: plain JavaScript, no build step, no third-party code, nothing loaded from
// anywhere but this server. Text from documents is only ever inserted as text nodes.
"use strict";

const SVGNS = "http://www.w3.org/2000/svg";
const PLOVER = ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
  "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"];
const TYPE_COLOURS = {
  ASSAULT: "#b42318", COERCE: "#c2410c", MOBILIZE: "#a16207", SANCTION: "#7c2d12", PROTEST: "#be185d",
  THREATEN: "#9f1239", REJECT: "#6d28d9", ACCUSE: "#7e22ce", REQUEST: "#1d4ed8", RETREAT: "#0e7490",
  AID: "#15803d", COOPERATE: "#047857", CONCEDE: "#0f766e", SUPPORT: "#4d7c0f", CONSULT: "#1f6feb",
  AGREE: "#166534",
};
const state = { health: null, outlines: null, corpusOffset: 0, corpusLimit: 50, corpusTotal: 0 };

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = tag.startsWith("svg:") ? document.createElementNS(SVGNS, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.setAttribute("class", v);
    else if (k === "text") node.textContent = v;
    else if (k === "style") for (const [prop, val] of Object.entries(v)) node.style.setProperty(prop, val);  // CSSOM: allowed by the CSP
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function svgTitle(text) { return el("svg:title", { text }); }
function colour(type) { return TYPE_COLOURS[type] || "#57606a"; }
function fmt(v) { return v === null || v === undefined || v === "" ? "" : String(v); }

// ------------------------------------------------------------------ API

function apiHeaders(json) {
  const h = {};
  if (json) h["Content-Type"] = "application/json";
  const key = $("input-key").value.trim();
  if (key) h["X-API-Key"] = key;
  return h;
}

async function api(path, options) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const e = body && body.error ? body.error : { code: "HTTP", message: `HTTP ${response.status}`, status: response.status };
    const err = new Error(e.message);
    err.api = e;
    throw err;
  }
  return body;
}

function showError(box, err) {
  const e = err.api;
  box.textContent = e ? `${e.message}${e.detail && typeof e.detail === "string" && !e.message.includes(e.detail) ? "\n" + e.detail : ""}` : String(err);
  box.hidden = false;
}

async function outlines() {
  if (!state.outlines) state.outlines = await api("/api/outlines");
  return state.outlines;
}

// ------------------------------------------------------------------ highlights

function annotations(doc) {
  const out = [];
  for (const e of doc.entities || []) {
    out.push({ start: e.start, end: e.end, kind: "entity", title: `entity ${e.label} · ${e.method}` });
  }
  for (const t of doc.times || []) {
    const extra = [t.mod && `mod ${t.mod}`, t.begin && `from ${t.begin}`, t.finish && `to ${t.finish}`].filter(Boolean).join(" · ");
    out.push({ start: t.start, end: t.end, kind: "time",
      title: `time ${t.type} = ${t.value} · precision ${t.precision} · source ${t.source}${extra ? " · " + extra : ""} · ${t.method}` });
  }
  for (const p of doc.places || []) {
    const where = p.lat !== null && p.lat !== undefined ? ` (${p.lat.toFixed(3)}, ${p.lon.toFixed(3)})` : "";
    out.push({ start: p.start, end: p.end, kind: "place",
      title: `place ${p.name}${p.admin1 ? ", " + p.admin1 : ""}${p.admin1_code ? " (" + p.admin1_code + ")" : ""}, ${fmt(p.country)}${where} · ${p.feature} · precision ${p.precision}` +
        `${p.geonameid ? " · geonameid " + p.geonameid : ""} · score ${p.score} · ${p.method}${p.role !== "place" ? " · role " + p.role : ""}` });
  }
  for (const q of doc.quantities || []) {
    const bounds = [q.low !== null && q.low !== undefined && `low ${q.low}`, q.high !== null && q.high !== undefined && `high ${q.high}`].filter(Boolean).join(" ");
    out.push({ start: q.start, end: q.end, kind: "quantity",
      title: `quantity ${q.value === null ? "?" : q.value}${q.unit ? " " + q.unit : ""}${q.of ? " of " + q.of : ""} · ${q.kind}${bounds ? " · " + bounds : ""} · ${q.method}` });
  }
  (doc.events || []).forEach((ev, i) => {
    const who = [ev.actor && ev.actor.name, ev.recipient && ev.recipient.name].filter(Boolean).join(" → ");
    out.push({ start: ev.trigger.start, end: ev.trigger.end, kind: "trigger", event: i,
      title: `event #${i + 1} ${ev.type}${ev.mode ? " (" + ev.mode + ")" : ""}${who ? " · " + who : ""} · ${ev.modality} · confidence ${ev.confidence} · ${ev.method}` });
  });
  return out.filter((a) => Number.isInteger(a.start) && Number.isInteger(a.end) && a.end > a.start);
}

function renderHighlights(doc) {
  const text = doc.text || "";
  const anns = annotations(doc);
  const cuts = new Set([0, text.length]);
  for (const a of anns) { cuts.add(Math.max(0, Math.min(a.start, text.length))); cuts.add(Math.max(0, Math.min(a.end, text.length))); }
  const points = [...cuts].sort((a, b) => a - b);
  const box = $("highlighted");
  box.replaceChildren();
  const firstTrigger = new Set();
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    const covering = anns.filter((x) => x.start <= a && x.end >= b);
    const piece = text.slice(a, b);
    if (!covering.length) { box.append(document.createTextNode(piece)); continue; }
    const kinds = [...new Set(covering.map((x) => x.kind))];
    const mark = el("mark", { class: "hl " + kinds.map((k) => "hl-" + k).join(" "), title: covering.map((x) => x.title).join("\n"),
      "data-start": a, "data-end": b }, piece);
    for (const x of covering) {
      if (x.kind === "trigger" && !firstTrigger.has(x.event)) { firstTrigger.add(x.event); mark.id = `trigger-${x.event}`; }
    }
    box.append(mark);
  }
}

// ------------------------------------------------------------------ events table

function actorText(a) {
  if (!a) return "";
  const bits = [a.name, a.title && a.title !== a.name ? a.title : null].filter(Boolean);
  return bits.join(", ") + (a.text && a.text !== a.name ? ` ("${a.text}")` : "");
}

function renderEventsTable(doc) {
  const table = $("events-table");
  const head = el("thead", null, el("tr", null, ["#", "type", "trigger", "actor", "recipient", "date", "location", "fatalities", "modality", "according to", "conf."].map((h) => el("th", { text: h }))));
  const body = el("tbody");
  (doc.events || []).forEach((ev, i) => {
    const date = ev.date ? `${fmt(ev.date.value)} (${fmt(ev.date.precision)}, ${ev.date.source})` : "";
    const loc = ev.location ? `${ev.location.name}, ${fmt(ev.location.country)} (${ev.location.precision}${ev.location_source ? ", " + ev.location_source : ""})` : "";
    const fat = ev.fatalities ? fmt(ev.fatalities.best ?? ev.fatalities.low) : "";
    const attr = (ev.attribution || []).map((x) => x.name).join(" → ");
    const row = el("tr", { "data-event": i, onclick: () => flashTrigger(i) },
      el("td", { text: i + 1 }),
      el("td", null, el("span", { class: "type", style: { color: colour(ev.type) }, text: ev.type }), ev.mode ? el("div", { class: "pill", text: ev.mode }) : null),
      el("td", { text: ev.trigger.text }), el("td", { text: actorText(ev.actor) }), el("td", { text: actorText(ev.recipient) }),
      el("td", { text: date }), el("td", { text: loc }), el("td", { text: fat }), el("td", { text: ev.modality }),
      el("td", { text: attr }), el("td", { text: ev.confidence }));
    body.append(row);
  });
  table.replaceChildren(head, body);
  $("events-note").textContent = `${(doc.events || []).length} events`;
}

function flashTrigger(i) {
  const mark = $(`trigger-${i}`);
  if (!mark) return;
  mark.scrollIntoView({ block: "center", behavior: "smooth" });
  mark.classList.add("flash");
  setTimeout(() => mark.classList.remove("flash"), 1500);
}

// ------------------------------------------------------------------ map

function ringPath(ring, project) {
  let d = "";
  ring.forEach(([lon, lat], i) => { const [x, y] = project(lon, lat); d += `${i ? "L" : "M"}${x.toFixed(2)},${y.toFixed(2)}`; });
  return d + "Z";
}

function geometryPath(geometry, project) {
  const polys = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  return polys.map((poly) => poly.map((ring) => ringPath(ring, project)).join("")).join("");
}

// points: [{lat, lon, title, kind: "marker" | "place-dot", label}]
async function drawMap(svg, points, highlightCountries) {
  const world = await outlines();
  const located = points.filter((p) => Number.isFinite(p.lat) && Number.isFinite(p.lon));
  let [w, s, e, n] = [-180, -58, 180, 84];
  if (located.length) {
    w = Math.min(...located.map((p) => p.lon)); e = Math.max(...located.map((p) => p.lon));
    s = Math.min(...located.map((p) => p.lat)); n = Math.max(...located.map((p) => p.lat));
    const padLon = Math.max(6, (e - w) * 0.25), padLat = Math.max(4, (n - s) * 0.25);
    [w, e, s, n] = [Math.max(-180, w - padLon), Math.min(180, e + padLon), Math.max(-85, s - padLat), Math.min(85, n + padLat)];
  }
  const k = Math.cos(((s + n) / 2) * Math.PI / 180);   // equirectangular, true to scale at the centre
  const project = (lon, lat) => [lon * k, -lat];
  let [x0, y0] = project(w, n), [x1, y1] = project(e, s);
  // keep the box at the element's 16:10 aspect, widening the short side
  const want = 1.6, have = (x1 - x0) / (y1 - y0);
  if (have < want) { const grow = ((y1 - y0) * want - (x1 - x0)) / 2; x0 -= grow; x1 += grow; }
  else { const grow = ((x1 - x0) / want - (y1 - y0)) / 2; y0 -= grow; y1 += grow; }
  svg.setAttribute("viewBox", `${x0} ${y0} ${x1 - x0} ${y1 - y0}`);
  svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
  const unit = (x1 - x0) / 600;      // one screen pixel of a 600-px-wide map, in map units
  const land = el("svg:g", { class: "countries" });
  for (const f of world.features) {
    const active = highlightCountries && (highlightCountries.has(f.id) || highlightCountries.has(f.properties.iso2));
    land.append(el("svg:path", { class: "country" + (active ? " active" : ""), d: geometryPath(f.geometry, project), "data-id": f.id },
      svgTitle(f.properties.name)));
  }
  const dots = el("svg:g", { class: "points" });
  const order = [...located].sort((a, b) => (a.kind === "marker") - (b.kind === "marker"));
  const labelled = new Set();
  for (const p of order) {
    const [x, y] = project(p.lon, p.lat);
    const r = (p.kind === "marker" ? 6 : 3.5) * unit;
    dots.append(el("svg:circle", { class: p.kind, cx: x, cy: y, r, "data-lat": p.lat, "data-lon": p.lon }, svgTitle(p.title)));
    const key = `${p.lat},${p.lon}`;
    if (p.label && p.kind === "marker" && !labelled.has(key)) {
      labelled.add(key);
      dots.append(el("svg:text", { class: "label", x: x + 8 * unit, y: y + 4 * unit, style: { "font-size": `${11 * unit}px`, "stroke-width": `${3 * unit}px` }, text: p.label }));
    }
  }
  svg.replaceChildren(land, dots);
  return located.length;
}

function docMapPoints(doc) {
  const points = [];
  const withEvents = new Map();
  (doc.events || []).forEach((ev, i) => {
    const loc = ev.location;
    if (!loc || loc.lat === null || loc.lat === undefined) return;
    const key = `${loc.lat},${loc.lon}`;
    if (!withEvents.has(key)) withEvents.set(key, { lat: loc.lat, lon: loc.lon, kind: "marker", label: loc.name, events: [] });
    withEvents.get(key).events.push(`#${i + 1} ${ev.type} "${ev.trigger.text}"${ev.date && ev.date.value ? " " + ev.date.value : ""}`);
  });
  for (const p of withEvents.values()) points.push({ ...p, title: `${p.label}: ${p.events.join("; ")}` });
  for (const pl of doc.places || []) {
    if (pl.lat === null || pl.lat === undefined || withEvents.has(`${pl.lat},${pl.lon}`)) continue;
    points.push({ lat: pl.lat, lon: pl.lon, kind: "place-dot", title: `${pl.name} (${fmt(pl.country)}) · place without an event` });
  }
  return points;
}

// ------------------------------------------------------------------ timeline

const DAY = 86400000;

function parseTimex(value) {
  // [start, end) in ms for TIMEX3 values we can place on a calendar, else null
  if (!value) return null;
  if (value.includes("/")) {
    const [a, b] = value.split("/").map(parseTimex);
    return a && b ? [a[0], b[1]] : a || b;
  }
  let m;
  if ((m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value))) { const t = Date.UTC(+m[1], +m[2] - 1, +m[3]); return [t, t + DAY]; }
  if ((m = /^(\d{4})-(\d{2})$/.exec(value))) return [Date.UTC(+m[1], +m[2] - 1, 1), Date.UTC(+m[1], +m[2], 1)];
  if ((m = /^(\d{4})-Q([1-4])$/.exec(value))) return [Date.UTC(+m[1], (+m[2] - 1) * 3, 1), Date.UTC(+m[1], +m[2] * 3, 1)];
  if ((m = /^(\d{4})-W(\d{2})$/.exec(value))) {
    const jan4 = Date.UTC(+m[1], 0, 4), dow = (new Date(jan4).getUTCDay() + 6) % 7;
    const start = jan4 - dow * DAY + (+m[2] - 1) * 7 * DAY; return [start, start + 7 * DAY];
  }
  if ((m = /^(\d{4})$/.exec(value))) return [Date.UTC(+m[1], 0, 1), Date.UTC(+m[1] + 1, 0, 1)];
  if ((m = /^(\d{3})$/.exec(value))) return [Date.UTC(+m[1] * 10, 0, 1), Date.UTC(+m[1] * 10 + 10, 0, 1)];
  return null;
}

function isoDay(t) { return new Date(t).toISOString().slice(0, 10); }

function drawTimeline(svg, doc) {
  const items = [];
  const undated = [];
  (doc.events || []).forEach((ev, i) => {
    const d = ev.date;
    const range = d ? parseTimex(d.begin && d.finish ? `${d.begin}/${d.finish}` : d.value) : null;
    if (range) items.push({ i, ev, range, precision: d.precision || "?" });
    else undated.push(i + 1);
  });
  const published = doc.published ? parseTimex(doc.published) : null;
  const width = 600, lane = 18, top = 26, left = 8, right = 8;
  const height = top + Math.max(1, items.length) * lane + 26;
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.replaceChildren();
  $("timeline-note").textContent = `${items.length} dated` + (undated.length ? `, undated: #${undated.join(", #")}` : "");
  if (!items.length) {
    svg.append(el("svg:text", { x: 10, y: 30, class: "lane-label", text: "no event has a calendar date" }));
    return;
  }
  let lo = Math.min(...items.map((x) => x.range[0])), hi = Math.max(...items.map((x) => x.range[1]));
  if (published) { lo = Math.min(lo, published[0]); hi = Math.max(hi, published[1]); }
  const pad = Math.max(DAY, (hi - lo) * 0.06); lo -= pad; hi += pad;
  const x = (t) => left + (t - lo) / (hi - lo) * (width - left - right);
  const axis = el("svg:g", { class: "ticks" });
  const spanDays = (hi - lo) / DAY;
  const step = spanDays <= 21 ? "day" : spanDays <= 400 ? "month" : "year";
  const first = new Date(lo);
  let t = step === "day" ? Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), first.getUTCDate() + 1)
    : step === "month" ? Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 1) : Date.UTC(first.getUTCFullYear() + 1, 0, 1);
  const every = step === "day" ? Math.ceil(spanDays / 10) : 1;
  let count = 0;
  while (t < hi && count < 400) {
    const dt = new Date(t);
    const label = step === "day" ? isoDay(t).slice(5) : step === "month" ? isoDay(t).slice(0, 7) : String(dt.getUTCFullYear());
    if (count % every === 0) {
      axis.append(el("svg:g", { class: "tick" }, el("svg:line", { x1: x(t), x2: x(t), y1: top - 6, y2: height - 18 }),
        el("svg:text", { x: x(t) + 2, y: height - 6, text: label })));
    }
    t = step === "day" ? t + DAY : step === "month" ? Date.UTC(dt.getUTCFullYear(), dt.getUTCMonth() + 1, 1) : Date.UTC(dt.getUTCFullYear() + 1, 0, 1);
    count++;
  }
  svg.append(axis);
  if (published) {
    svg.append(el("svg:line", { class: "published", x1: x(published[0]), x2: x(published[0]), y1: 12, y2: height - 18 }),
      el("svg:text", { class: "published-label", x: x(published[0]) + 3, y: 12, text: `published ${doc.published}` }));
  }
  items.sort((a, b) => a.range[0] - b.range[0] || a.i - b.i);
  items.forEach((item, row) => {
    const y = top + row * lane;
    const [a, b] = item.range.map(x);
    const c = colour(item.ev.type);
    const title = `#${item.i + 1} ${item.ev.type} "${item.ev.trigger.text}" · ${item.ev.date.value} · precision ${item.precision} · date source ${item.ev.date.source}`;
    const g = el("svg:g", { class: `tl-event tl-${item.precision}`, "data-event": item.i, onclick: () => flashTrigger(item.i) }, svgTitle(title));
    if (item.precision === "day" || b - a < 5) g.append(el("svg:circle", { cx: (a + b) / 2, cy: y + 6, r: 4.5, fill: c }));
    else g.append(el("svg:rect", { class: "span", x: a, y: y, width: Math.max(3, b - a), height: 12, rx: 2, fill: c, stroke: c }));
    const label = `#${item.i + 1} ${item.ev.type} · ${item.precision}`;
    const onLeft = b > width * 0.7;  // near the right edge: the label goes left of the mark
    g.append(el("svg:text", { class: "lane-label", x: onLeft ? a - 7 : b + 7, y: y + 10,
      "text-anchor": onLeft ? "end" : "start", text: label }));
    svg.append(g);
  });
}

// ------------------------------------------------------------------ article view

async function renderDocument(doc) {
  $("result").hidden = false;
  const meta = $("doc-meta");
  meta.replaceChildren(
    el("b", { text: doc.title || doc.id }), " · ",
    `published ${doc.published || "unknown"}${doc.published_source ? " (" + doc.published_source + ")" : ""} · `,
    `publisher ${doc.publisher || "unknown"} · main country ${(doc.meta && doc.meta.main_country) || "?"} · `,
    `${(doc.entities || []).length} entities, ${(doc.times || []).length} times, ${(doc.places || []).length} places, `,
    `${(doc.quantities || []).length} quantities, ${(doc.events || []).length} events · id ${doc.id}`);
  renderHighlights(doc);
  renderEventsTable(doc);
  drawTimeline($("timeline"), doc);
  const points = docMapPoints(doc);
  const countries = new Set((doc.events || []).flatMap((ev) => [ev.actor && ev.actor.country, ev.recipient && ev.recipient.country]).filter(Boolean));
  const n = await drawMap($("map"), points, countries);
  const markers = points.filter((p) => p.kind === "marker").length;
  $("map-note").textContent = n ? `${markers} event locations, ${n - markers} other places` : "no located places";
}

async function codeArticle(event) {
  event.preventDefault();
  const box = $("error");
  box.hidden = true;
  const content = $("input-text").value;
  const body = {};
  body[$("input-kind").value === "html" ? "html" : "text"] = content;
  for (const [field, id] of [["published", "input-published"], ["publisher", "input-publisher"], ["url", "input-url"]]) {
    const v = $(id).value.trim();
    if (v) body[field] = v;
  }
  if ($("input-store").checked) body.store = true;
  const button = $("code-button");
  button.disabled = true;
  button.textContent = "Coding…";
  try {
    const doc = await api("/api/code", { method: "POST", headers: apiHeaders(true), body: JSON.stringify(body) });
    await renderDocument(doc);
    if (body.store && !$("corpus-view").hidden) loadCorpus(0);
  } catch (err) {
    showError(box, err);
  } finally {
    button.disabled = false;
    button.textContent = "Code";
  }
}

function readUpload() {
  const file = $("input-file").files[0];
  if (!file) return;
  const reader = new FileReader();
  reader.onload = () => {
    $("input-text").value = reader.result;
    $("input-kind").value = /\.x?html?$/i.test(file.name) || /<html|<body|<p[ >]/i.test(String(reader.result).slice(0, 2000)) ? "html" : "text";
  };
  reader.readAsText(file);
}

// ------------------------------------------------------------------ corpus view

function corpusParams(offset) {
  const p = new URLSearchParams();
  for (const [name, id] of [["type", "f-type"], ["country", "f-country"], ["since", "f-since"], ["until", "f-until"], ["near", "f-near"]]) {
    const v = $(id).value.trim();
    if (v) p.set(name, v);
  }
  if ($("f-fused").checked) p.set("fused", "true");
  if (offset !== undefined) { p.set("limit", state.corpusLimit); p.set("offset", offset); }
  return p;
}

function renderByType(byType) {
  const box = $("by-type");
  const entries = Object.entries(byType || {}).sort((a, b) => b[1] - a[1]);
  const max = Math.max(1, ...entries.map((x) => x[1]));
  box.replaceChildren(...entries.map(([type, n]) => el("div", { class: "bar" },
    el("span", { class: "type", style: { color: colour(type) }, text: type }),
    el("span", null, el("span", { class: "fill", style: { width: `${(100 * n / max).toFixed(1)}%`, background: colour(type) } })),
    el("span", { text: n }))));
  if (!entries.length) box.textContent = "no events";
}

function renderByMonth(byMonth) {
  const svg = $("by-month");
  const entries = Object.entries(byMonth || {}).filter(([m]) => /^\d{4}-\d{2}$/.test(m)).sort();
  svg.replaceChildren();
  const width = 600, height = 170, bottom = 30;
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("preserveAspectRatio", "xMinYMid meet");
  if (!entries.length) { svg.append(el("svg:text", { x: 10, y: 20, text: "no dated events" })); return; }
  const max = Math.max(...entries.map((x) => x[1]));
  const bw = Math.min(56, (width - 20) / entries.length);
  entries.forEach(([month, n], i) => {
    const h = (height - bottom - 14) * n / max;
    const x = 10 + i * bw;
    svg.append(el("svg:g", { class: "month" }, svgTitle(`${month}: ${n} events`),
      el("svg:rect", { x: x + 1, y: height - bottom - h, width: Math.max(1, bw - 2), height: h }),
      el("svg:text", { x: x + bw / 2, y: height - bottom - h - 3, "text-anchor": "middle", text: n })));
    if (i % Math.ceil(entries.length * 56 / (width - 20)) === 0) {  // a label fits in 56 units
      svg.append(el("svg:text", { x: x + bw / 2, y: height - bottom + 12, "text-anchor": "middle", text: month }));
    }
  });
}

function renderCorpusTable(page) {
  const cols = [["published", "published"], ["date_value", "date"], ["type", "type"], ["trigger_text", "trigger"],
    ["actor_name", "actor"], ["recipient_name", "recipient"], ["location_name", "location"], ["location_country", "cc"],
    ["fatalities_best", "fatalities"], ["modality", "modality"], ["doc_id", "document"]];
  const head = el("thead", null, el("tr", null, cols.map(([, h]) => el("th", { text: h }))));
  const body = el("tbody", null, page.events.map((row) => el("tr", { onclick: () => openStored(row.doc_id) },
    cols.map(([k]) => k === "type" ? el("td", null, el("span", { class: "type", style: { color: colour(row.type) }, text: row.type }))
      : el("td", { text: fmt(row[k]) })))));
  $("corpus-table").replaceChildren(head, body);
  $("corpus-note").textContent = page.total ? `${page.offset + 1}–${page.offset + page.events.length} of ${page.total}` : "none";
  $("corpus-prev").disabled = page.offset === 0;
  $("corpus-next").disabled = !page.next;
}

// ------------------------------------------------------------------ fused events

function counts(c) {
  if (!c) return "";
  return c.low === c.high ? fmt(c.best) : `${fmt(c.best)} (${fmt(c.low)}–${fmt(c.high)})`;
}

function partyText(p) {
  if (!p) return "";
  const code = [p.country, p.sector].filter(Boolean).join(" ");
  return (p.name || code) + (p.name && code && !p.name.includes(code) ? ` [${code}]` : "");
}

function fusedDate(d) {
  if (d.value) return `${d.value} (${d.precision})`;
  return d.last ? `undated, by ${d.last}` : "";
}

function renderFusedTable(page) {
  const heads = ["date", "type", "actor", "recipient", "location", "fatalities", "reports", "sources", "conflicts"];
  const head = el("thead", null, el("tr", null, heads.map((h) => el("th", { text: h }))));
  const body = el("tbody", null, page.events.map((ev) => {
    const loc = ev.location ? `${fmt(ev.location.name)}, ${fmt(ev.location.country)} (${ev.location.precision})` : "";
    const fields = (ev.conflicts || []).map((c) => c.field);
    const row = el("tr", { "data-fused": ev.id, onclick: () => showFused(ev, row) },
      el("td", { text: fusedDate(ev.date) }),
      el("td", null, el("span", { class: "type", style: { color: colour(ev.type) }, text: ev.type }), ev.mode ? el("div", { class: "pill", text: ev.mode }) : null),
      el("td", null, partyText(ev.actor), ev.actor && ev.actor.disputed ? el("span", { class: "badge", text: "disputed" }) : null),
      el("td", { text: partyText(ev.recipient) }),
      el("td", { text: loc }),
      el("td", { text: counts(ev.fatalities) }),
      el("td", { text: `${ev.reports.length} in ${ev.sources.documents} doc${ev.sources.documents === 1 ? "" : "s"}` }),
      el("td", { text: ev.sources.names.join("; ") }),
      el("td", null, fields.length ? el("span", { class: "badge", text: fields.join(", ") }) : ""));
    return row;
  }));
  $("corpus-table").replaceChildren(head, body);
  $("corpus-note").textContent = page.total ? `${page.offset + 1}–${page.offset + page.events.length} of ${page.total} fused events` : "none";
  $("corpus-prev").disabled = page.offset === 0;
  $("corpus-next").disabled = !page.next;
}

function showFused(ev, row) {
  for (const r of document.querySelectorAll("#corpus-table tr.selected")) r.classList.remove("selected");
  if (row) row.classList.add("selected");
  $("fused-detail").hidden = false;
  $("fused-note").textContent = `${ev.id} · ${ev.reports.length} reports from ${ev.sources.publishers} publisher${ev.sources.publishers === 1 ? "" : "s"}` +
    (ev.sources.cited ? ` citing ${ev.sources.cited} source${ev.sources.cited === 1 ? "" : "s"}` : "") + ` · confidence ${ev.confidence}`;
  const conflicts = ev.conflicts || [];
  $("fused-conflicts").replaceChildren(...(conflicts.length ? conflicts.map((c) => el("div", { class: "conflict-line" },
    el("b", { text: `${c.field}: ` }), c.claims.map((x) => `${x.value} according to ${x.sources.join(", ")}`).join(" · ")))
    : [el("span", { class: "muted", text: "the reports agree on every field" })]));
  const disputedBy = new Map();  // field -> set of report ids on a minority claim
  for (const c of conflicts) for (const claim of c.claims) for (const id of claim.reports) {
    if (!disputedBy.has(c.field)) disputedBy.set(c.field, new Set());
    disputedBy.get(c.field).add(id);
  }
  const rows = [
    ["publisher", (r) => r.publisher], ["published", (r) => r.published], ["according to", (r) => r.cited_source],
    ["modality", (r) => r.modality, "modality"], ["sides", (r) => r.orientation === "swapped" ? "named the other way round" : "as fused"],
    ["actor", (r) => r.actor, "actor"], ["recipient", (r) => r.recipient, "recipient"],
    ["date", (r) => r.date ? `${r.date} (${fmt(r.date_precision)}, ${fmt(r.date_source)})` : "", "date"],
    ["location", (r) => r.location ? `${r.location} (${fmt(r.location_precision)})` : "", "location"],
    ["fatalities", (r) => r.fatalities, "fatalities"], ["injured", (r) => r.injured, "injured"],
    ["trigger", (r) => r.trigger], ["sentence", (r) => r.sentence], ["document", (r) => r.doc_id],
  ];
  const head = el("thead", null, el("tr", null, el("th", { text: "" }), ev.reports.map((r, i) => el("th", { text: `report ${i + 1}` }))));
  const body = el("tbody", null, rows.map(([label, get, field]) => el("tr", null, el("th", { text: label }),
    ev.reports.map((r) => el("td", {
      class: [field && disputedBy.has(field) && disputedBy.get(field).has(r.event_id) ? "disputed" : null,
        label === "sides" && r.orientation === "swapped" ? "swapped" : null].filter(Boolean).join(" ") || null,
      "data-field": field || label, text: fmt(get(r)),
      onclick: label === "document" ? () => openStored(r.doc_id) : null })))));
  $("fused-reports").replaceChildren(head, body);
}

async function loadCorpus(offset) {
  const box = $("corpus-error");
  box.hidden = true;
  try {
    const fused = $("f-fused").checked;
    const [summary, page] = await Promise.all([
      api(`/api/summary?${corpusParams()}`), api(`/api/events?${corpusParams(offset)}`)]);
    state.corpusOffset = page.offset;
    state.corpusTotal = page.total;
    const docs = `${summary.documents} document${summary.documents === 1 ? "" : "s"}`;
    $("corpus-summary").replaceChildren(el("b", { text: fused ? `${summary.events} fused events` : `${summary.events} events` }),
      (fused ? ` from ${summary.reports} reports` : "") + ` in ${docs}` +
      (summary.failed ? ` (${summary.failed} failed)` : "") +
      (summary.no_month ? ` · ${summary.no_month} dated over more than one month or undated` : ""));
    renderByType(summary.by_type);
    renderByMonth(summary.by_month);
    $("fused-detail").hidden = true;
    if (fused) renderFusedTable(page); else renderCorpusTable(page);
    const points = fused
      ? page.events.filter((ev) => ev.location && ev.location.lat !== null && ev.location.lat !== undefined).map((ev) => ({
        lat: ev.location.lat, lon: ev.location.lon, kind: "marker", label: ev.location.name,
        title: `${ev.type} · ${fusedDate(ev.date)} · ${ev.location.name} · ${ev.reports.length} reports` }))
      : page.events.filter((r) => r.location_lat !== null && r.location_lat !== undefined).map((r) => ({
        lat: r.location_lat, lon: r.location_lon, kind: "marker", label: r.location_name,
        title: `${r.type} "${r.trigger_text}" · ${fmt(r.date_value)} · ${r.location_name}` }));
    const n = await drawMap($("corpus-map"), points, null);
    $("corpus-map-note").textContent = `${n} located events on this page`;
  } catch (err) {
    showError(box, err);
  }
}

async function openStored(docId) {
  try {
    const doc = await api(`/api/documents/${encodeURIComponent(docId)}`);
    switchView("article-view");
    await renderDocument(doc);
  } catch (err) {
    showError($("corpus-error"), err);
  }
}

// ------------------------------------------------------------------ start

function switchView(id) {
  for (const tab of document.querySelectorAll(".tab")) tab.classList.toggle("active", tab.dataset.view === id);
  for (const view of document.querySelectorAll(".view")) view.hidden = view.id !== id;
  if (id === "corpus-view") loadCorpus(state.corpusOffset);
}

async function start() {
  for (const t of PLOVER) $("f-type").append(el("option", { value: t, text: t }));
  $("code-form").addEventListener("submit", codeArticle);
  $("input-file").addEventListener("change", readUpload);
  $("corpus-form").addEventListener("submit", (e) => { e.preventDefault(); loadCorpus(0); });
  $("corpus-prev").addEventListener("click", () => loadCorpus(Math.max(0, state.corpusOffset - state.corpusLimit)));
  $("corpus-next").addEventListener("click", () => loadCorpus(state.corpusOffset + state.corpusLimit));
  for (const tab of document.querySelectorAll(".tab")) tab.addEventListener("click", () => switchView(tab.dataset.view));
  try {
    state.health = await api("/healthz");
    const h = state.health;
    $("server-status").textContent = `eventcoder ${h.version} · ${h.store ? "store connected" : "no store (start with --db to keep events)"}`;
    $("store-label").hidden = !h.store;
    $("tab-corpus").disabled = !h.store;
    $("key-label").hidden = !h.api_key_required;
  } catch (err) {
    $("server-status").textContent = "server not reachable";
  }
  document.body.dataset.ready = "1";
}

document.addEventListener("DOMContentLoaded", start);
