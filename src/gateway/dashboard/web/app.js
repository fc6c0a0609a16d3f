// ragcache dashboard: polls the gateway's own endpoints and redraws. No library, no build step.
// Every refresh either succeeds as a whole (numbers, chart, tables) or marks the gateway
// unreachable and keeps the last good numbers; nothing here throws on empty or odd data.
import { parsePrometheus, sumSamples, sumByLabel, histogramBuckets, histogramQuantile } from "./prom.js";

const POLL_MS = 1500;
const FETCH_TIMEOUT_MS = 4000;
const HISTORY = 40; // samples kept for the chart: 1 minute at 1.5 s

// Cache results as the gateway labels them (ragcache_requests_total{cache=...}), in chart order.
const KINDS = [
  { key: "HIT", label: "exact hit", color: "#2da44e" },
  { key: "SEMANTIC", label: "semantic hit", color: "#8250df" },
  { key: "SHARED", label: "shared (in-flight)", color: "#0969da" },
  { key: "MISS", label: "miss", color: "#d4a72c" },
  { key: "BYPASS", label: "bypass", color: "#8c959f" },
  { key: "other", label: "error / refused", color: "#cf222e" },
];
const CACHED = ["HIT", "SEMANTIC", "SHARED"];
const ANSWERED = ["HIT", "SEMANTIC", "SHARED", "MISS", "BYPASS"];
const HIT_RATE_COLOR = "#1f2328";

const history = []; // {t, rates: {kind: req/s}, hitRate: 0..1 | null}
let previous = null; // {t, counts}
let refreshes = 0;

const $ = (id) => document.getElementById(id);

function setNumber(id, value, text) {
  const el = $(id);
  if (!el) return;
  el.dataset.value = String(value);
  el.textContent = text !== undefined ? text : formatInt(value);
}

function formatInt(n) {
  return Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "–";
}

function formatSeconds(s) {
  if (s === null || !Number.isFinite(s)) return "–";
  if (s < 1) {
    const ms = s * 1000;
    return (ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0)) + " ms";
  }
  return s.toFixed(2) + " s";
}

function formatPercent(x) {
  return x === null || !Number.isFinite(x) ? "–" : (x * 100).toFixed(1) + " %";
}

// The stats and all-tenant hot questions are the operator's: with `serve --admin-key` set the
// page asks for the key once (kept for this browser tab only) and sends it as a bearer token.
const ADMIN_KEY_ITEM = "ragcache-admin-key";

function adminHeaders() {
  const key = sessionStorage.getItem(ADMIN_KEY_ITEM);
  return key ? { Authorization: "Bearer " + key } : {};
}

async function fetchWithTimeout(path) {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), FETCH_TIMEOUT_MS);
  try {
    const r = await fetch(path, { signal: ctl.signal, cache: "no-store", headers: adminHeaders() });
    if ((r.status === 401 || r.status === 403) && !askedForKey) {
      askedForKey = true;  // once per page load: a wrong key is not asked for again and again
      const key = window.prompt("This gateway's dashboard needs its admin key (serve --admin-key):");
      if (key) {
        sessionStorage.setItem(ADMIN_KEY_ITEM, key);
        return await fetch(path, { signal: ctl.signal, cache: "no-store", headers: adminHeaders() });
      }
    }
    return r;
  } finally {
    clearTimeout(timer);
  }
}
let askedForKey = false;

async function fetchJson(path) {
  try {
    const r = await fetchWithTimeout(path);
    if (!r.ok) return { ok: false, status: r.status, body: null };
    return { ok: true, status: r.status, body: await r.json() };
  } catch (e) {
    return { ok: false, status: 0, body: null };
  }
}

// Counts by kind from ragcache_requests_total{cache=...}; labels other than the five results
// (ERROR, RATE_LIMITED) are summed as "other".
function countsByKind(metrics) {
  const raw = sumByLabel(metrics, "ragcache_requests_total", "cache");
  const counts = Object.fromEntries(KINDS.map((k) => [k.key, 0]));
  for (const [label, v] of Object.entries(raw)) {
    if (label in counts && label !== "other") counts[label] += v;
    else counts.other += v;
  }
  return counts;
}

function hitRate(counts) {
  const answered = ANSWERED.reduce((a, k) => a + counts[k], 0);
  if (answered === 0) return null;
  return CACHED.reduce((a, k) => a + counts[k], 0) / answered;
}

function renderKinds(counts) {
  const total = KINDS.reduce((a, k) => a + counts[k.key], 0);
  const body = $("kinds-body");
  const rows = KINDS.map((k) => {
    const tr = document.createElement("tr");
    const name = document.createElement("td");
    const sw = document.createElement("span");
    sw.className = "swatch";
    sw.style.background = k.color;
    name.append(sw, document.createTextNode(k.label));
    const count = document.createElement("td");
    count.id = "count-" + k.key;
    count.className = "num";
    count.dataset.value = String(counts[k.key]);
    count.textContent = formatInt(counts[k.key]);
    const share = document.createElement("td");
    share.className = "num";
    share.textContent = total > 0 ? formatPercent(counts[k.key] / total) : "–";
    tr.append(name, count, share);
    return tr;
  });
  body.replaceChildren(...rows);
}

function renderLegend() {
  const items = KINDS.map((k) => {
    const li = document.createElement("li");
    const sw = document.createElement("span");
    sw.className = "swatch";
    sw.style.background = k.color;
    li.append(sw, document.createTextNode(k.label));
    return li;
  });
  const line = document.createElement("li");
  const sw = document.createElement("span");
  sw.className = "swatch line";
  sw.style.background = HIT_RATE_COLOR;
  line.append(sw, document.createTextNode("served from cache %"));
  $("legend").replaceChildren(...items, line);
}

function renderLatency(metrics) {
  const rows = { all: () => true, hit: (l) => l.cache === "HIT", miss: (l) => l.cache === "MISS" };
  for (const [row, filter] of Object.entries(rows)) {
    const buckets = histogramBuckets(metrics, "ragcache_request_duration_seconds", filter);
    for (const q of [50, 90, 99]) {
      const v = histogramQuantile(q / 100, buckets);
      const el = $(`lat-${row}-p${q}`);
      el.dataset.value = v === null ? "" : String(v);
      el.textContent = formatSeconds(v);
    }
  }
}

function renderHot(result) {
  const list = $("hot-list");
  const note = (text) => {
    const li = document.createElement("li");
    li.className = "muted";
    li.textContent = text;
    list.replaceChildren(li);
  };
  if (!result.ok) {
    note(result.status === 404 ? "hot-question ranking is not enabled" : "hot questions unavailable");
    return;
  }
  const questions = Array.isArray(result.body && result.body.questions) ? result.body.questions : [];
  if (questions.length === 0) {
    note("no questions yet");
    return;
  }
  list.replaceChildren(
    ...questions.map((q) => {
      const li = document.createElement("li");
      const text = document.createElement("span");
      text.className = "q";
      text.textContent = String(q.question ?? "");
      const count = document.createElement("span");
      count.className = "count";
      count.dataset.value = String(q.count ?? 0);
      count.textContent = formatInt(Number(q.count ?? 0));
      li.append(count, text);
      return li;
    })
  );
}

function renderStats(stats) {
  const s = stats.ok && stats.body && typeof stats.body === "object" ? stats.body : {};
  const active = s.sessions && Number.isFinite(s.sessions.active) ? s.sessions.active : null;
  setNumber("sessions-active", active ?? "", active === null ? "–" : formatInt(active) + (s.sessions.active_saturated ? "+" : ""));
  const health = $("redis-health");
  if (s.redis && typeof s.redis === "object") {
    const up = s.redis.cache_connected === true && s.redis.state_connected === true;
    health.dataset.state = up ? "up" : "down";
    const part = (name, ok) => `${name} ${ok ? "up" : "down"}`;
    health.textContent = up ? "up" : [part("cache", s.redis.cache_connected), part("state", s.redis.state_connected)].join(", ");
  } else {
    health.dataset.state = "unknown";
    health.textContent = "–";
  }
}

function record(counts, now) {
  if (previous) {
    const dt = (now - previous.t) / 1000;
    const rates = {};
    const delta = {};
    for (const k of KINDS) {
      // A counter that went down means the gateway restarted: count from zero again.
      const d = counts[k.key] >= previous.counts[k.key] ? counts[k.key] - previous.counts[k.key] : counts[k.key];
      delta[k.key] = d;
      rates[k.key] = dt > 0 ? d / dt : 0;
    }
    history.push({ t: now, rates, hitRate: hitRate(delta) });
    if (history.length > HISTORY) history.shift();
  }
  previous = { t: now, counts };
}

function niceCeiling(v) {
  if (!(v > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

function drawChart() {
  const canvas = $("rate-chart");
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  if (w === 0 || h === 0) return;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  const pad = { left: 44, right: 44, top: 8, bottom: 22 };
  const pw = w - pad.left - pad.right;
  const ph = h - pad.top - pad.bottom;
  const maxRate = niceCeiling(Math.max(0, ...history.map((s) => KINDS.reduce((a, k) => a + s.rates[k.key], 0))));

  ctx.font = "11px system-ui, sans-serif";
  ctx.fillStyle = "#656d76";
  ctx.strokeStyle = "#eaeef2";
  ctx.lineWidth = 1;
  for (let i = 0; i <= 4; i++) {
    const y = pad.top + ph - (ph * i) / 4;
    ctx.beginPath();
    ctx.moveTo(pad.left, Math.round(y) + 0.5);
    ctx.lineTo(pad.left + pw, Math.round(y) + 0.5);
    ctx.stroke();
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    ctx.fillText(String(+((maxRate * i) / 4).toPrecision(3)), pad.left - 6, y);
    ctx.textAlign = "left";
    ctx.fillText(`${(i * 25).toFixed(0)}%`, pad.left + pw + 6, y);
  }
  ctx.textBaseline = "top";
  ctx.textAlign = "right";
  ctx.fillText("req/s", pad.left - 6, pad.top + ph + 6);
  ctx.textAlign = "left";
  ctx.fillText("−1 min", pad.left, pad.top + ph + 6);
  ctx.textAlign = "right";
  ctx.fillText("now", pad.left + pw, pad.top + ph + 6);
  ctx.textAlign = "center";

  if (history.length === 0) {
    ctx.fillText("collecting…", pad.left + pw / 2, pad.top + ph / 2);
    return;
  }
  const slot = pw / HISTORY;
  const barW = Math.max(1, slot - 1);
  const x0 = pad.left + pw - history.length * slot;
  history.forEach((s, i) => {
    let y = pad.top + ph;
    for (const k of KINDS) {
      const bh = (s.rates[k.key] / maxRate) * ph;
      if (bh <= 0) continue;
      ctx.fillStyle = k.color;
      ctx.fillRect(x0 + i * slot, y - bh, barW, bh);
      y -= bh;
    }
  });
  ctx.strokeStyle = HIT_RATE_COLOR;
  ctx.lineWidth = 2;
  ctx.beginPath();
  let drawing = false;
  history.forEach((s, i) => {
    if (s.hitRate === null) {
      drawing = false;
      return;
    }
    const x = x0 + i * slot + barW / 2;
    const y = pad.top + ph - s.hitRate * ph;
    if (drawing) ctx.lineTo(x, y);
    else ctx.moveTo(x, y);
    drawing = true;
  });
  ctx.stroke();
  // A dot per sample, so a lone sample between idle ones is visible too.
  ctx.fillStyle = HIT_RATE_COLOR;
  history.forEach((s, i) => {
    if (s.hitRate === null) return;
    ctx.beginPath();
    ctx.arc(x0 + i * slot + barW / 2, pad.top + ph - s.hitRate * ph, 2.5, 0, 2 * Math.PI);
    ctx.fill();
  });
  if (history.every((s) => KINDS.every((k) => s.rates[k.key] === 0))) {
    ctx.fillStyle = "#656d76";
    ctx.textBaseline = "middle";
    ctx.fillText("no requests in the last minute", pad.left + pw / 2, pad.top + ph / 2);
  }
}

function setStatus(state, detail) {
  const pill = $("status");
  pill.dataset.state = state;
  pill.textContent = state === "live" ? "live" : state === "unreachable" ? "gateway unreachable" : "connecting…";
  $("unreachable").hidden = state !== "unreachable";
  if (detail) $("unreachable-detail").textContent = detail;
}

async function refresh() {
  let metricsText = null;
  let failure = null;
  try {
    const r = await fetchWithTimeout("/metrics");
    if (r.ok) metricsText = await r.text();
    else failure = `GET /metrics answered ${r.status}.`;
  } catch (e) {
    failure = "GET /metrics failed (no answer from the gateway).";
  }
  if (metricsText === null) {
    setStatus("unreachable", failure);
    return;
  }
  const [stats, hot] = await Promise.all([fetchJson("/v1/ragcache/stats"), fetchJson("/v1/ragcache/hot?window=24h&k=10&scope=all")]);
  const metrics = parsePrometheus(metricsText);
  const counts = countsByKind(metrics);
  const now = Date.now();
  record(counts, now);

  setNumber("total-requests", KINDS.reduce((a, k) => a + counts[k.key], 0));
  const rate = hitRate(counts);
  setNumber("hit-rate", rate ?? "", formatPercent(rate));
  setNumber("upstream-calls", sumSamples(metrics, "ragcache_upstream_calls_total"));
  setNumber("tokens-saved", sumSamples(metrics, "ragcache_upstream_tokens_saved_total"));
  setNumber("redis-errors", sumSamples(metrics, "ragcache_redis_errors_total"));
  renderKinds(counts);
  renderLatency(metrics);
  renderStats(stats);
  renderHot(hot);
  drawChart();
  setStatus("live");
  $("updated").textContent = "updated " + new Date(now).toLocaleTimeString("en-GB");
  refreshes += 1;
  document.body.dataset.refreshes = String(refreshes);
}

async function loop() {
  try {
    await refresh();
  } catch (e) {
    // A bug in rendering must not stop the polling; show it as a failed refresh.
    setStatus("unreachable", "The last refresh could not be shown: " + (e && e.message ? e.message : String(e)));
  }
  setTimeout(loop, POLL_MS);
}

renderLegend();
renderKinds(Object.fromEntries(KINDS.map((k) => [k.key, 0])));
drawChart();
window.addEventListener("resize", drawChart);
loop();
