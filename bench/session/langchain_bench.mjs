// The peer: LangChain JS RedisChatMessageHistory (@langchain/redis) doing the same chat turn as
// session_bench's "turn" mode: addMessage(user) + addMessage(answer) + getMessages(), C
// concurrent callers on one shared node-redis client (which pipelines concurrent commands),
// conversations of TURNS_PER_SESSION turns. It keeps the whole list (no trim at all).
// Prints "langchain_turn,<turns per second>".
//
//   node langchain_bench.mjs --url redis://127.0.0.1:6379 --clients 50 --turns 50000 [--ttl 86400]
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "../../tools/node/package.json"));
const { RedisChatMessageHistory } = await import(require.resolve("@langchain/redis"));
const { HumanMessage, AIMessage } = await import(require.resolve("@langchain/core/messages"));
const { createClient } = await import(require.resolve("redis"));

const args = { url: "redis://127.0.0.1:6379", clients: 50, turns: 50000, turnsPerSession: 10, ttl: 86400 };
for (let i = 2; i + 1 < process.argv.length; i += 2) {
  const k = process.argv[i], v = process.argv[i + 1];
  if (k === "--url") args.url = v;
  else if (k === "--clients") args.clients = Number(v);
  else if (k === "--turns") args.turns = Number(v);
  else if (k === "--turns-per-session") args.turnsPerSession = Number(v);
  else if (k === "--ttl") args.ttl = Number(v);  // 0: no EXPIRE after each addMessage
  else throw new Error(`unknown option ${k}`);
}

// Same texts as session_bench.cc.
const question =
  "How do I configure the retention period for the audit logs in the enterprise plan, and does it " +
  "apply to logs already stored?";
const answer =
  "You can set the retention period under Settings > Compliance > Audit logs. The new period applies " +
  "to logs written from now on; logs already stored keep the retention they were written with, unless " +
  "you run the re-tagging job, which rewrites their expiry. " + "x".repeat(450);

const client = createClient({ url: args.url });
await client.connect();
const runId = Date.now().toString();
let remaining = args.turns;
let errors = 0;

async function caller(c) {
  let k = 0;
  while (remaining > 0) {
    remaining--;
    const sessionId = `lc-${runId}-${c}-${Math.floor(k / args.turnsPerSession)}`;
    k++;
    const history = new RedisChatMessageHistory({ sessionId, sessionTTL: args.ttl || undefined, client });
    try {
      await history.addMessage(new HumanMessage(question));
      await history.addMessage(new AIMessage(answer));
      const messages = await history.getMessages();
      const last = messages[messages.length - 1];
      if (!last || last.content !== answer) errors++;
    } catch (e) {
      errors++;
    }
  }
}

const start = process.hrtime.bigint();
await Promise.all(Array.from({ length: args.clients }, (_, c) => caller(c)));
const secs = Number(process.hrtime.bigint() - start) / 1e9;
console.log(`langchain_turn${args.ttl ? "" : "_no_ttl"},${Math.round(args.turns / secs)}`);
await client.quit();
if (errors) {
  console.error(`FAILED: ${errors} turns failed or read a window without their answer`);
  process.exit(1);
}
