// Peer of `limits_bench gcra`: the npm `rate-limiter-flexible` RateLimiterRedis (over ioredis,
// one connection), consume() calls/s with N concurrent async callers on the same subjects.
// usage: node rate_limiter_flexible_bench.cjs <redis port> [seconds=5] [concurrency=50] [subjects=1000]
const path = require("path");
const modules = path.join(__dirname, "../../tools/node/node_modules");
const Redis = require(path.join(modules, "ioredis"));
const { RateLimiterRedis } = require(path.join(modules, "rate-limiter-flexible"));

async function main() {
  const port = Number(process.argv[2]);
  const seconds = Number(process.argv[3] || 5);
  const concurrency = Number(process.argv[4] || 50);
  const subjects = Number(process.argv[5] || 1000);
  const client = new Redis({ port, host: "127.0.0.1", enableOfflineQueue: true });
  // Limits nobody reaches, like the ragcache side: every call does its full Redis round trip.
  const limiter = new RateLimiterRedis({ storeClient: client, keyPrefix: "bench:rlf", points: 1e9, duration: 60 });
  let ops = 0, refused = 0, errors = 0, measuring = false, stop = false;
  async function worker(w) {
    for (let i = 0; !stop; i++) {
      const subject = "bench-" + ((w * 7919 + i) % subjects);
      try {
        await limiter.consume(subject, 1);
        if (measuring) ops++;
      } catch (e) {
        if (!measuring) continue;
        if (e instanceof Error) errors++; else refused++;  // a RateLimiterRes means "refused"
      }
    }
  }
  const workers = [];
  for (let w = 0; w < concurrency; w++) workers.push(worker(w));
  await new Promise((r) => setTimeout(r, 1000));  // warm-up
  measuring = true;
  const start = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  stop = true;
  await Promise.all(workers);
  console.log(JSON.stringify({ bench: "rate_limit", impl: "npm_rate_limiter_flexible", concurrency, pool: 1,
                               seconds: +elapsed.toFixed(2), ops, refused, errors, ops_per_s: Math.round(ops / elapsed) }));
  client.disconnect();
}
main().catch((e) => { console.error(e); process.exit(1); });
