// Client conformance, differentially: every case runs with a client nobody here wrote, once
// straight at the scripted upstream, once through the gateway (first: the gateway calls the
// upstream) and once more through the gateway (the cache answers where it may). What the client
// parsed is recorded for each run; the C++ test (src/app/client_conformance_etest.cc) asserts
// that the three agree and that the gateway cached exactly what it may.
//
//   node conformance.mjs UPSTREAM_BASE_URL GATEWAY_BASE_URL      (both ending in /v1)
//
// Prints one JSON object: {"cases":[{"name","client","runs":{"direct","first","again"},
// "x_cache":{"first","again"}}...]}; a run that threw records {"thrown": {...}}.
import OpenAI from "openai";
import { generateText, streamText, tool, jsonSchema } from "ai";
import { createOpenAI } from "@ai-sdk/openai";
import { ChatOpenAI } from "@langchain/openai";

const [upstreamURL, gatewayURL] = process.argv.slice(2);
const API_KEY = "sk-conformance";

const weatherSchema = {
  type: "object",
  properties: { city: { type: "string" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] } },
  required: ["city"],
  additionalProperties: false,
};
const chatTools = [
  { type: "function", function: { name: "get_weather", description: "Weather of a city", parameters: weatherSchema } },
  { type: "function", function: { name: "get_time", description: "Time in a city", parameters: weatherSchema } },
];
const responsesTools = [{ type: "function", name: "get_weather", description: "Weather of a city", parameters: weatherSchema, strict: true }];

// What a client parsed, minus what is not part of the answer (transport details). A run that
// threw is recorded as {"thrown": {...}}.
function errorOf(e) {
  return { status: e.status ?? e.statusCode ?? null, name: e.constructor?.name, code: e.code ?? e.error?.code ?? null,
           type: e.type ?? e.error?.type ?? null, param: e.param ?? e.error?.param ?? null,
           message: String(e.message ?? e).replace(/\s+/g, " ").slice(0, 300) };
}

// ---- the official openai SDK ------------------------------------------------------------

function openai(baseURL) {
  return new OpenAI({ baseURL, apiKey: API_KEY, maxRetries: 0, timeout: 30000 });
}

const openaiCases = {
  "chat.text": async (c) => c.chat.completions.create({ model: "gpt-x", messages: [{ role: "user", content: "case:text hello" }] }).withResponse(),
  "chat.tools": async (c) =>
    c.chat.completions.create({ model: "gpt-x", messages: [{ role: "user", content: "case:tools weather?" }], tools: chatTools }).withResponse(),
  "chat.n2": async (c) => c.chat.completions.create({ model: "gpt-x", n: 2, messages: [{ role: "user", content: "case:text two please" }] }).withResponse(),
  "chat.logprobs": async (c) =>
    c.chat.completions.create({ model: "gpt-x", logprobs: true, top_logprobs: 1, messages: [{ role: "user", content: "case:logprobs ok?" }] }).withResponse(),
  "chat.refusal": async (c) => c.chat.completions.create({ model: "gpt-x", messages: [{ role: "user", content: "case:refusal" }] }).withResponse(),
  "chat.length": async (c) => c.chat.completions.create({ model: "gpt-x", max_tokens: 5, messages: [{ role: "user", content: "case:length" }] }).withResponse(),
  "chat.error400": async (c) => c.chat.completions.create({ model: "gpt-x", messages: [{ role: "user", content: "case:error400" }] }).withResponse(),
  "chat.stream.tools": async (c) => {
    const s = c.chat.completions.stream({ model: "gpt-x", messages: [{ role: "user", content: "case:tools stream" }], tools: chatTools });
    const final = await s.finalChatCompletion();
    return { data: final, response: null };
  },
  "chat.stream.usage": async (c) => {
    const { data, response } = await c.chat.completions
      .create({ model: "gpt-x", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "case:unicode" }] })
      .withResponse();
    let text = "", usage = null, finish = null, ids = new Set();
    for await (const chunk of data) {
      ids.add(chunk.id);
      if (chunk.usage) usage = chunk.usage;
      for (const ch of chunk.choices) {
        text += ch.delta?.content ?? "";
        finish = ch.finish_reason ?? finish;
      }
    }
    return { data: { text, usage, finish, ids: [...ids] }, response };
  },
  "chat.stream.refusal": async (c) => {
    const s = c.chat.completions.stream({ model: "gpt-x", messages: [{ role: "user", content: "case:refusal stream" }] });
    return { data: await s.finalChatCompletion(), response: null };
  },
  "responses.text": async (c) => c.responses.create({ model: "gpt-x", input: "case:text responses", instructions: "Be brief." }).withResponse(),
  "responses.tools": async (c) => c.responses.create({ model: "gpt-x", input: "case:tools responses", tools: responsesTools }).withResponse(),
  "responses.stream": async (c) => {
    const { data, response } = await c.responses.create({ model: "gpt-x", input: "case:unicode stream", stream: true }).withResponse();
    const types = [];
    let text = "", final = null;
    for await (const e of data) {
      if (types.at(-1) !== e.type) types.push(e.type);  // how many deltas a text took is not part of the answer
      if (e.type === "response.output_text.delta") text += e.delta;
      if (e.type === "response.completed") final = e.response;
    }
    return { data: { types, text, final }, response };
  },
  "responses.stream.helper": async (c) => {
    const s = c.responses.stream({ model: "gpt-x", input: "case:tools helper", tools: responsesTools });
    return { data: await s.finalResponse(), response: null };
  },
  "responses.previous": async (c) =>
    c.responses.create({ model: "gpt-x", input: "case:text follow-up", previous_response_id: "resp_scripted_text" }).withResponse(),
  "moderations": async (c) => c.moderations.create({ model: "omni-moderation-latest", input: "hello" }).withResponse(),
  "files.retrieve": async (c) => c.files.retrieve("file-abc").withResponse(),
  "files.content": async (c) => {
    const r = await c.files.content("file-abc");
    return { data: { text: await r.text(), type: r.headers.get("content-type") }, response: r };
  },
  "models.list": async (c) => {
    const page = await c.models.list();
    return { data: page.data, response: null };
  },
};

async function runOpenAi(name, baseURL) {
  try {
    const { data, response } = await openaiCases[name](openai(baseURL));
    return { result: data, xcache: response?.headers?.get?.("x-cache") ?? null };
  } catch (e) {
    return { result: { thrown: errorOf(e) }, xcache: e.headers?.get?.("x-cache") ?? e.headers?.["x-cache"] ?? null };
  }
}

// ---- Vercel AI SDK ----------------------------------------------------------------------

// Records the x-cache header of every response the provider's fetch sees.
function recordingFetch(seen) {
  return async (input, init) => {
    const r = await fetch(input, init);
    seen.push(r.headers.get("x-cache"));
    return r;
  };
}

const weatherTool = tool({ description: "Weather of a city", inputSchema: jsonSchema(weatherSchema) });

function aiView(r) {
  return {
    text: r.text,
    finishReason: r.finishReason,
    toolCalls: (r.toolCalls ?? []).map((t) => ({ id: t.toolCallId, name: t.toolName, input: t.input })),
    usage: { input: r.usage?.inputTokens ?? null, output: r.usage?.outputTokens ?? null, total: r.usage?.totalTokens ?? null },
    responseId: r.response?.id ?? null,
    modelId: r.response?.modelId ?? null,
  };
}

const aiCases = {
  "generateText.chat.tools": (p) => generateText({ model: p.chat("gpt-x"), prompt: "case:tools vercel", tools: { get_weather: weatherTool } }),
  "generateText.chat.text": (p) => generateText({ model: p.chat("gpt-x"), prompt: "case:text vercel" }),
  "streamText.chat": async (p) => {
    const r = streamText({ model: p.chat("gpt-x"), prompt: "case:unicode vercel stream" });
    let streamed = "";
    for await (const t of r.textStream) streamed += t;
    return { text: streamed, finishReason: await r.finishReason, toolCalls: await r.toolCalls, usage: await r.usage, response: await r.response };
  },
  "streamText.chat.tools": async (p) => {
    const r = streamText({ model: p.chat("gpt-x"), prompt: "case:tools vercel stream", tools: { get_weather: weatherTool } });
    for await (const _ of r.fullStream) { /* drain */ }
    return { text: await r.text, finishReason: await r.finishReason, toolCalls: await r.toolCalls, usage: await r.usage, response: await r.response };
  },
  "generateText.responses": (p) => generateText({ model: p.responses("gpt-x"), prompt: "case:text vercel responses" }),
  "streamText.responses.tools": async (p) => {
    const r = streamText({ model: p.responses("gpt-x"), prompt: "case:tools vercel responses", tools: { get_weather: weatherTool } });
    for await (const _ of r.fullStream) { /* drain */ }
    return { text: await r.text, finishReason: await r.finishReason, toolCalls: await r.toolCalls, usage: await r.usage, response: await r.response };
  },
};

async function runAi(name, baseURL) {
  const seen = [];
  const provider = createOpenAI({ baseURL, apiKey: API_KEY, fetch: recordingFetch(seen) });
  try {
    const r = await aiCases[name](provider);
    return { result: aiView(r), xcache: seen.at(-1) ?? null };
  } catch (e) {
    return { result: { thrown: errorOf(e) }, xcache: seen.at(-1) ?? null };
  }
}

// ---- LangChain JS -----------------------------------------------------------------------

function lcView(m) {
  return {
    content: m.content,
    tool_calls: (m.tool_calls ?? []).map((t) => ({ id: t.id, name: t.name, args: t.args })),
    usage: m.usage_metadata ?? null,
    finish_reason: m.response_metadata?.finish_reason ?? null,
    model: m.response_metadata?.model_name ?? null,
    fingerprint: m.response_metadata?.system_fingerprint ?? null,
  };
}

const lcCases = {
  "invoke": (m) => m.invoke("case:text langchain"),
  "stream": async (m) => {
    let acc = null;
    for await (const chunk of await m.stream("case:unicode langchain stream")) acc = acc ? acc.concat(chunk) : chunk;
    return acc;
  },
  "bindTools": (m) => m.bindTools(chatTools).invoke("case:tools langchain"),
  "bindTools.stream": async (m) => {
    let acc = null;
    for await (const chunk of await m.bindTools(chatTools).stream("case:tools langchain stream")) acc = acc ? acc.concat(chunk) : chunk;
    return acc;
  },
};

async function runLangChain(name, baseURL) {
  const seen = [];
  const model = new ChatOpenAI({ model: "gpt-x", apiKey: API_KEY, maxRetries: 0, streamUsage: true,
                                 configuration: { baseURL, fetch: recordingFetch(seen) } });
  try {
    return { result: lcView(await lcCases[name](model)), xcache: seen.at(-1) ?? null };
  } catch (e) {
    return { result: { thrown: errorOf(e) }, xcache: seen.at(-1) ?? null };
  }
}

// ---- all of them ------------------------------------------------------------------------

const out = { cases: [] };
const suites = [
  ["openai", Object.keys(openaiCases), runOpenAi],
  ["ai-sdk", Object.keys(aiCases), runAi],
  ["langchain", Object.keys(lcCases), runLangChain],
];
try {
  for (const [client, names, run] of suites) {
    for (const name of names) {
      const direct = await run(name, upstreamURL);
      const first = await run(name, gatewayURL);
      const again = await run(name, gatewayURL);
      out.cases.push({ name, client, runs: { direct: direct.result, first: first.result, again: again.result },
                       x_cache: { first: first.xcache, again: again.xcache } });
    }
  }
  console.log(JSON.stringify(out));
} catch (e) {
  console.log(JSON.stringify({ fatal: String(e), stack: e.stack }));
  process.exit(1);
}
