// End-to-end client for ragcache's gateway tests, using the official `openai` npm package.
// Usage: node openai_client.mjs BASE_URL   (BASE_URL like http://127.0.0.1:8080/v1)
// Prints one JSON object with what it saw; the C++ test asserts on it.
import OpenAI from "openai";

const baseURL = process.argv[2];
const client = new OpenAI({ baseURL, apiKey: "e2e-key", maxRetries: 0, timeout: 30000 });
const messages = [{ role: "user", content: "e2e: what does ragcache cache?" }];
const out = {};

async function nonStream(label) {
  const { data, response } = await client.chat.completions
    .create({ model: "mock-gpt", messages })
    .withResponse();
  out[label] = { content: data.choices[0].message.content, xcache: response.headers.get("x-cache"),
                 finish: data.choices[0].finish_reason, usage: data.usage };
}

async function stream(label) {
  const { data, response } = await client.chat.completions
    .create({ model: "mock-gpt", messages, stream: true, stream_options: { include_usage: true } })
    .withResponse();
  let content = "", chunks = 0, finish = null, usage = null;
  for await (const chunk of data) {
    chunks++;
    if (chunk.usage) usage = chunk.usage;
    for (const c of chunk.choices) {
      if (c.delta?.content) content += c.delta.content;
      if (c.finish_reason) finish = c.finish_reason;
    }
  }
  out[label] = { content, chunks, finish, usage, xcache: response.headers.get("x-cache") };
}

async function session() {
  const sid = "e2e-" + Date.now();
  const turns = [];
  for (const q of ["My name is Ada.", "What is my name?", "Spell it."]) {
    const { data, response } = await client.chat.completions
      .create({ model: "mock-gpt", messages: [{ role: "user", content: q }] },
              { headers: { "X-Session-Id": sid } })
      .withResponse();
    turns.push({ content: data.choices[0].message.content, xcache: response.headers.get("x-cache") });
  }
  // The session belongs to the API key's tenant: read it with the same key.
  const res = await fetch(baseURL + "/ragcache/sessions/" + sid, { headers: { Authorization: "Bearer e2e-key" } });
  out.session = { turns, window: await res.json() };
}

try {
  await nonStream("first");
  await nonStream("second");
  await stream("stream_after");
  out.stream_new = null;
  messages[0].content = "e2e: a question asked first as a stream";
  await stream("stream_first");
  await nonStream("nonstream_after_stream");
  await session();
  try {
    await client.chat.completions.create({ model: "mock-gpt", messages: [{ role: "wizard", content: "x" }] });
    out.bad = { status: 200 };
  } catch (e) {
    out.bad = { status: e.status, type: e.error?.type ?? e.type, param: e.param ?? e.error?.param };
  }
  console.log(JSON.stringify(out));
} catch (e) {
  console.log(JSON.stringify({ fatal: String(e), stack: e.stack }));
  process.exit(1);
}
