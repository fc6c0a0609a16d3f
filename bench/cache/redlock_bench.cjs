// Peer of `cache_bench locks`: the npm `redlock` package (v4, single Redis via ioredis), lock +
// unlock pairs/s on distinct keys with N concurrent async callers on one connection.
// usage: node redlock_bench.cjs <redis port> [seconds=5] [concurrency=50]
const path = require("path");
const modules = path.join(__dirname, "../../tools/node/node_modules");
const Redis = require(path.join(modules, "ioredis"));
const Redlock = require(path.join(modules, "redlock"));

async function main() {
  const port = Number(process.argv[2]);
  const seconds = Number(process.argv[3] || 5);
  const concurrency = Number(process.argv[4] || 50);
  const client = new Redis({ port, host: "127.0.0.1" });
  const redlock = new Redlock([client], { retryCount: 0, driftFactor: 0.01 });
  const prefix = "redlock" + Math.random().toString(16).slice(2, 10) + ":";
  let pairs = 0, errors = 0, stop = false;
  async function worker(w) {
    for (let i = 0; !stop; i++) {
      try {
        const lock = await redlock.lock(prefix + w + ":" + i, 10000);
        await lock.unlock();
        pairs++;
      } catch (e) {
        errors++;
      }
    }
  }
  const workers = [];
  for (let w = 0; w < concurrency; w++) workers.push(worker(w));
  await new Promise((r) => setTimeout(r, 1000));  // warm-up
  const startPairs = pairs;
  const start = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const measured = pairs - startPairs;
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  stop = true;
  await Promise.all(workers);
  const usage = process.cpuUsage();  // this process's CPU over the whole run, warm-up included
  const cpu = usage.user + usage.system;
  console.log(JSON.stringify({ bench: "locks", impl: "npm_redlock_4", concurrency, seconds: +elapsed.toFixed(2),
                               pairs: measured, errors, pairs_per_s: Math.round(measured / elapsed),
                               total_pairs: pairs, client_cpu_us_per_pair: +(cpu / Math.max(pairs, 1)).toFixed(2) }));
  client.disconnect();
}
main().catch((e) => { console.error(e); process.exit(1); });
