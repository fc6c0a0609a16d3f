// Browser check of GET /dashboard for src/app/dashboard_etest.cc, in headless Chromium driven by
// playwright-core (the system chromium, not a downloaded one).
// Usage: node dashboard_check.mjs GATEWAY_URL SCREENSHOT.png
//   GATEWAY_URL like http://127.0.0.1:8080 (a `ragcache serve` in front of mock-llm).
// It runs a workload (misses, exact hits, streamed requests, a session), opens the page, sends
// more traffic while it is open (so the chart has bars), waits for refreshes, and prints one JSON
// object with what the page shows (by element id), every console error and uncaught exception,
// and how the page behaves on empty metrics and with the gateway unreachable. The C++ test
// compares the numbers with /metrics, fetched by itself right after this script exits.
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";

const [base, screenshotPath] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const out = { console_errors: [], page_errors: [], xcache: {} };  // xcache: X-Cache values the client saw

function finish(code = 0) {
  process.stdout.write(JSON.stringify(out) + "\n");
  process.exit(code);
}

// Never hang: the C++ test has a deadline too, but a clear message is better.
setTimeout(() => {
  out.fatal = "dashboard check timed out after 60 s";
  finish(1);
}, 60000).unref();

async function chat(question, { stream = false, session = null } = {}) {
  const headers = { "Content-Type": "application/json", Authorization: "Bearer dashboard-e2e" };
  if (session) headers["X-Session-Id"] = session;
  const body = { model: "mock-gpt", messages: [{ role: "user", content: question }], stream };
  const r = await fetch(base + "/v1/chat/completions", { method: "POST", headers, body: JSON.stringify(body) });
  await r.text(); // read the whole answer (SSE included) before the next request
  if (r.status !== 200) throw new Error(`chat '${question}' answered ${r.status}`);
  const x = r.headers.get("x-cache");
  out.xcache[x] = (out.xcache[x] || 0) + 1;
}

// `distinct` new questions, then each asked `repeats` more times.
async function workload(prefix, distinct, repeats) {
  for (let r = 0; r <= repeats; r++) {
    for (let i = 0; i < distinct; i++) await chat(`${prefix} question ${i}: what does the cache keep?`);
  }
}

// The page's Prometheus module on fixed input (its quantiles must match PromQL's interpolation).
async function promSelfCheck() {
  const prom = await import(new URL("../../../src/gateway/dashboard/web/prom.js", import.meta.url));
  const text = [
    "# HELP x_seconds a histogram",
    "# TYPE x_seconds histogram",
    'x_seconds_bucket{cache="HIT",le="0.1"} 10',
    'x_seconds_bucket{cache="HIT",le="0.2"} 20',
    'x_seconds_bucket{cache="HIT",le="0.4"} 40',
    'x_seconds_bucket{cache="HIT",le="+Inf"} 40',
    'x_seconds_bucket{cache="MISS",le="0.1"} 0',
    'x_seconds_bucket{cache="MISS",le="0.2"} 0',
    'x_seconds_bucket{cache="MISS",le="0.4"} 0',
    'x_seconds_bucket{cache="MISS",le="+Inf"} 5',
    'odd_total{q="a \\"quoted\\" \\\\ value",z="1"} 7',
    "not a sample line",
    "",
  ].join("\n");
  const m = prom.parsePrometheus(text);
  const hit = prom.histogramBuckets(m, "x_seconds", (l) => l.cache === "HIT");
  const miss = prom.histogramBuckets(m, "x_seconds", (l) => l.cache === "MISS");
  return {
    hit_p50: prom.histogramQuantile(0.5, hit),
    hit_p90: prom.histogramQuantile(0.9, hit),
    miss_p50: prom.histogramQuantile(0.5, miss),  // everything above the last bound
    empty_p50: prom.histogramQuantile(0.5, prom.histogramBuckets(prom.parsePrometheus(""), "x_seconds")),
    odd_label: (m.get("odd_total") || [{ labels: {} }])[0].labels.q ?? null,
    odd_value: prom.sumSamples(m, "odd_total"),
    names: [...m.keys()],
  };
}

async function main() {
  out.prom = await promSelfCheck();
  if (!base || !screenshotPath) throw new Error("usage: node dashboard_check.mjs GATEWAY_URL SCREENSHOT.png");
  if (!existsSync(executablePath)) {
    out.fatal = `chromium not found at ${executablePath} (Debian: apt-get install chromium; scripts/common.sh installs it)`;
    finish(1);
  }

  // Before the page opens: 10 misses + 30 exact hits, 3 streamed (a miss and a hit each), a session.
  await workload("before", 10, 3);
  for (let i = 0; i < 3; i++) {
    await chat(`streamed question ${i}`, { stream: true });
    await chat(`streamed question ${i}`, { stream: true });
  }
  for (const turn of ["My name is Ada.", "What is my name?", "Spell it."]) {
    await chat(turn, { session: "dashboard-e2e-session" });
  }

  const browser = await chromium.launch({ executablePath, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    let phase = "main";
    page.on("console", (m) => {
      if (m.type() === "error") out.console_errors.push({ phase, text: m.text() });
    });
    page.on("pageerror", (e) => out.page_errors.push({ phase, text: String(e && e.stack ? e.stack : e) }));

    const refreshes = () => page.evaluate(() => Number(document.body.dataset.refreshes || 0));
    const waitRefreshes = (n) =>
      page.waitForFunction((n) => Number(document.body.dataset.refreshes || 0) >= n, n, { timeout: 15000 });

    const response = await page.goto(base + "/dashboard", { waitUntil: "load" });
    out.page_status = response.status();
    await waitRefreshes(1);

    // Traffic while the page is open, spread over a few refreshes, so the chart has history.
    for (let round = 0; round < 4; round++) {
      await workload(`during ${round}`, 2, 4);
      await page.waitForTimeout(700);
    }
    // Two refreshes after the last request: the page has seen every request.
    await waitRefreshes((await refreshes()) + 2);

    const ids = [
      "total-requests", "upstream-calls", "tokens-saved", "sessions-active", "redis-errors", "hit-rate",
      "count-HIT", "count-SEMANTIC", "count-SHARED", "count-MISS", "count-BYPASS", "count-other",
      "lat-all-p50", "lat-all-p90", "lat-all-p99", "lat-hit-p50", "lat-miss-p99",
    ];
    out.dom = await page.evaluate((ids) => {
      const values = {};
      for (const id of ids) {
        const el = document.getElementById(id);
        values[id] = el ? { value: el.dataset.value ?? null, text: el.textContent } : null;
      }
      values.status = document.getElementById("status").dataset.state;
      values.redis = document.getElementById("redis-health").dataset.state;
      values.hot = [...document.querySelectorAll("#hot-list li .q")].map((e) => e.textContent);
      values.unreachable_hidden = document.getElementById("unreachable").hidden;
      return values;
    }, ids);
    out.stats_api = await (await fetch(base + "/v1/ragcache/stats")).json();
    out.hot_api = await (await fetch(base + "/v1/ragcache/hot?window=24h&k=10&scope=all")).json();
    await page.screenshot({ path: screenshotPath, fullPage: true });
    out.screenshot = screenshotPath;

    // Empty metrics and odd JSON: the page shows zeros / dashes and throws nothing.
    phase = "empty";
    await page.route("**/metrics", (route) => route.fulfill({ status: 200, contentType: "text/plain", body: "" }));
    await page.route("**/v1/ragcache/stats", (route) => route.fulfill({ status: 200, contentType: "application/json", body: "{}" }));
    await page.route("**/v1/ragcache/hot*", (route) =>
      route.fulfill({ status: 200, contentType: "application/json", body: '{"questions":null}' }));
    await waitRefreshes((await refreshes()) + 2);
    out.empty = await page.evaluate(() => ({
      total: document.getElementById("total-requests").dataset.value,
      hit_rate: document.getElementById("hit-rate").textContent,
      p50: document.getElementById("lat-all-p50").textContent,
      status: document.getElementById("status").dataset.state,
    }));

    // Gateway unreachable: every request fails; the page says so and keeps polling.
    phase = "unreachable";
    await page.unrouteAll();
    await page.route("**/metrics", (route) => route.abort("connectionrefused"));
    await page.route("**/v1/ragcache/**", (route) => route.abort("connectionrefused"));
    await page.waitForFunction(() => document.getElementById("status").dataset.state === "unreachable", null, {
      timeout: 15000,
    });
    out.unreachable = await page.evaluate(() => ({
      status: document.getElementById("status").dataset.state,
      banner_visible: !document.getElementById("unreachable").hidden,
      banner_text: document.getElementById("unreachable").textContent.replace(/\s+/g, " ").trim(),
    }));

    // And it recovers by itself once the gateway answers again.
    phase = "recovered";
    await page.unrouteAll();
    await page.waitForFunction(() => document.getElementById("status").dataset.state === "live", null, { timeout: 15000 });
    out.recovered = await page.evaluate(() => ({
      status: document.getElementById("status").dataset.state,
      banner_visible: !document.getElementById("unreachable").hidden,
    }));
  } finally {
    await browser.close();
  }
  finish(0);
}

main().catch((e) => {
  out.fatal = String(e && e.stack ? e.stack : e);
  finish(1);
});
