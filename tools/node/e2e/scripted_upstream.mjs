// A scripted OpenAI-compatible upstream for the client conformance tests: every answer is fixed
// by a "case" named in the request (the last user message or input text starts with
// "case:<name>"), in the exact shapes OpenAI's API uses — stream and non-stream alike, so a
// client sees the same answer either way. It is the "straight to the upstream" side of the
// differential tests (tools/node/e2e/conformance.mjs), and the upstream of the gateway under test.
//
//   node scripted_upstream.mjs PORT
//
// Routes: POST /v1/chat/completions, POST /v1/responses, GET/DELETE /v1/responses/{id},
// POST /v1/moderations, GET /v1/models, GET /v1/files/{id}, GET /v1/files/{id}/content,
// POST /v1/files, DELETE /v1/files/{id}, GET /healthz, GET /__calls (calls per route and case),
// GET /__last_authorization (the Authorization headers of the last /v1 request, as received).
import http from "node:http";

const port = Number(process.argv[2] || 0);
const calls = {};
let lastAuthorization = [];  // every Authorization header of the last model call, as received
const count = (key) => { calls[key] = (calls[key] ?? 0) + 1; };

const CREATED = 1733000000;
const FINGERPRINT = "fp_scripted01";

function lastText(messages) {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m.role !== "user") continue;
    if (typeof m.content === "string") return m.content;
    if (Array.isArray(m.content)) return m.content.map((p) => p.text ?? "").join("");
  }
  return "";
}

function caseOf(text) {
  const m = /^case:([a-z0-9_]+)/.exec(text.trim());
  return m ? m[1] : "text";
}

// ---- chat completions -------------------------------------------------------------------

// The choices a case answers with: [{content, refusal, tool_calls, finish_reason, logprobs}].
function chatChoices(name, req) {
  const n = req.n ?? 1;
  const tools = req.tools ?? [];
  const fnName = (i) => tools[i]?.function?.name ?? `tool_${i}`;
  const one = (i) => {
    switch (name) {
      case "tools":
        if (tools.length === 0) return { content: "No tools offered.", finish_reason: "stop" };
        return {
          content: null,
          tool_calls: [
            { id: `call_A${i}`, type: "function", function: { name: fnName(0), arguments: JSON.stringify({ city: "Paris", unit: "celsius" }) } },
            { id: `call_B${i}`, type: "function", function: { name: fnName(tools.length > 1 ? 1 : 0), arguments: JSON.stringify({ city: "Tokyo", unit: "celsius" }) } },
          ],
          finish_reason: "tool_calls",
        };
      case "refusal":
        return { content: null, refusal: "I'm sorry, I can't help with that.", finish_reason: "stop" };
      case "length":
        return { content: "This answer is cut", finish_reason: "length" };
      case "filter":
        return { content: "", finish_reason: "content_filter" };
      case "logprobs":
        return {
          content: "Yes.",
          finish_reason: "stop",
          logprobs: {
            content: [
              { token: "Yes", logprob: -0.01, bytes: [89, 101, 115], top_logprobs: [{ token: "Yes", logprob: -0.01, bytes: [89, 101, 115] }] },
              { token: ".", logprob: -0.2, bytes: [46], top_logprobs: [{ token: ".", logprob: -0.2, bytes: [46] }] },
            ],
            refusal: null,
          },
        };
      case "unicode":
        return { content: "Grüße, 世界! \"quoted\"\nnew line \u{1F600}", finish_reason: "stop" };
      default:
        return { content: `Answer ${i} to: ${lastText(req.messages).slice(0, 60)}`, finish_reason: "stop" };
    }
  };
  return Array.from({ length: n }, (_, i) => one(i));
}

function usageFor(choices) {
  const completion = choices.reduce((s, c) => s + String(c.content ?? c.refusal ?? "").length / 4 + 3, 0) | 0;
  return {
    prompt_tokens: 19, completion_tokens: completion, total_tokens: 19 + completion,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

function chatCompletion(id, req, choices) {
  return {
    id, object: "chat.completion", created: CREATED, model: req.model,
    choices: choices.map((c, index) => ({
      index,
      message: {
        role: "assistant", content: c.content, refusal: c.refusal ?? null,
        ...(c.tool_calls ? { tool_calls: c.tool_calls } : {}),
        annotations: [],
      },
      logprobs: c.logprobs ?? null,
      finish_reason: c.finish_reason,
    })),
    usage: usageFor(choices),
    service_tier: "default",
    system_fingerprint: FINGERPRINT,
  };
}

// The chunks OpenAI streams for the same choices: role, content pieces (or refusal pieces, or
// tool-call identity then argument pieces), finish; then usage when asked.
function chatChunks(id, req, choices) {
  const includeUsage = req.stream_options?.include_usage === true;
  const head = { id, object: "chat.completion.chunk", created: CREATED, model: req.model, service_tier: "default", system_fingerprint: FINGERPRINT };
  const out = [];
  const chunk = (index, delta, finish = null, logprobs = null) => {
    out.push({ ...head, choices: [{ index, delta, logprobs, finish_reason: finish }], ...(includeUsage ? { usage: null } : {}) });
  };
  const pieces = (s) => s.match(/.{1,7}/gsu) ?? [];
  choices.forEach((c, index) => {
    chunk(index, { role: "assistant", content: c.tool_calls || c.refusal ? null : "", refusal: null });
    if (typeof c.content === "string") {
      const parts = pieces(c.content);
      parts.forEach((p, k) => {
        const lp = c.logprobs ? { content: c.logprobs.content.filter((_, t) => t === k || (k === parts.length - 1 && t >= k)), refusal: null } : null;
        chunk(index, { content: p }, null, lp);
      });
    }
    if (c.refusal) for (const p of pieces(c.refusal)) chunk(index, { refusal: p });
    (c.tool_calls ?? []).forEach((t, k) => {
      chunk(index, { tool_calls: [{ index: k, id: t.id, type: "function", function: { name: t.function.name, arguments: "" } }] });
      for (const p of pieces(t.function.arguments)) chunk(index, { tool_calls: [{ index: k, function: { arguments: p } }] });
    });
    chunk(index, {}, c.finish_reason);
  });
  if (includeUsage) out.push({ ...head, choices: [], usage: usageFor(choices) });
  return out;
}

// ---- Responses API ----------------------------------------------------------------------

function inputText(req) {
  if (typeof req.input === "string") return req.input;
  if (!Array.isArray(req.input)) return "";
  for (let i = req.input.length - 1; i >= 0; i--) {
    const item = req.input[i];
    if (item.role !== "user") continue;
    if (typeof item.content === "string") return item.content;
    return (item.content ?? []).map((p) => p.text ?? "").join("");
  }
  return "";
}

function responseOutput(name, req) {
  const tools = req.tools ?? [];
  if (name === "tools" && tools.length > 0) {
    return [{ id: "fc_001", type: "function_call", status: "completed", arguments: JSON.stringify({ city: "Paris" }), call_id: "call_R1", name: tools[0].name ?? "tool" }];
  }
  const content = name === "refusal"
    ? [{ type: "refusal", refusal: "I'm sorry, I can't help with that." }]
    : [{ type: "output_text", annotations: [], logprobs: [], text: name === "unicode" ? "Grüße, 世界! \u{1F600}" : `Response to: ${inputText(req).slice(0, 60)}` }];
  return [{ id: "msg_001", type: "message", status: "completed", content, role: "assistant" }];
}

function responseObject(id, req, name) {
  const incomplete = name === "length";
  return {
    id, object: "response", created_at: CREATED, status: incomplete ? "incomplete" : "completed", background: false,
    error: null, incomplete_details: incomplete ? { reason: "max_output_tokens" } : null,
    instructions: req.instructions ?? null, max_output_tokens: req.max_output_tokens ?? null, model: req.model,
    output: responseOutput(name, req), parallel_tool_calls: true, previous_response_id: req.previous_response_id ?? null,
    reasoning: { effort: null, summary: null }, service_tier: "default", store: req.store ?? true,
    temperature: req.temperature ?? 1.0, text: { format: { type: "text" }, verbosity: "medium" }, tool_choice: "auto",
    tools: req.tools ?? [], top_p: 1.0, truncation: "disabled",
    usage: { input_tokens: 12, input_tokens_details: { cached_tokens: 0 }, output_tokens: 9, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 21 },
    user: null, metadata: {},
  };
}

function responseEvents(resp) {
  const events = [];
  let seq = 0;
  const emit = (type, fields) => events.push({ type, sequence_number: seq++, ...fields });
  const started = { ...resp, status: "in_progress", output: [], usage: null };
  emit("response.created", { response: started });
  emit("response.in_progress", { response: started });
  resp.output.forEach((item, output_index) => {
    if (item.type === "function_call") {
      emit("response.output_item.added", { output_index, item: { ...item, status: "in_progress", arguments: "" } });
      for (const p of item.arguments.match(/.{1,5}/gs)) emit("response.function_call_arguments.delta", { item_id: item.id, output_index, delta: p });
      emit("response.function_call_arguments.done", { item_id: item.id, output_index, arguments: item.arguments });
    } else {
      emit("response.output_item.added", { output_index, item: { ...item, status: "in_progress", content: [] } });
      item.content.forEach((part, content_index) => {
        const where = { item_id: item.id, output_index, content_index };
        if (part.type === "refusal") {
          emit("response.content_part.added", { ...where, part: { type: "refusal", refusal: "" } });
          emit("response.refusal.delta", { ...where, delta: part.refusal });
          emit("response.refusal.done", { ...where, refusal: part.refusal });
        } else {
          emit("response.content_part.added", { ...where, part: { type: "output_text", annotations: [], logprobs: [], text: "" } });
          for (const p of part.text.match(/.{1,6}/gsu)) emit("response.output_text.delta", { ...where, delta: p, logprobs: [] });
          emit("response.output_text.done", { ...where, text: part.text, logprobs: [] });
        }
        emit("response.content_part.done", { ...where, part });
      });
    }
    emit("response.output_item.done", { output_index, item });
  });
  emit(resp.status === "incomplete" ? "response.incomplete" : "response.completed", { response: resp });
  return events;
}

// ---- server -----------------------------------------------------------------------------

function send(res, status, body, headers = {}) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "x-request-id": "req_scripted", ...headers });
  res.end(text);
}

function error(res, status, message, type = "invalid_request_error", code = null, param = null) {
  send(res, status, { error: { message, type, param, code } });
}

async function stream(res, events, named, done) {
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "x-request-id": "req_scripted" });
  for (const e of events) {
    res.write((named ? `event: ${e.type}\n` : "") + `data: ${JSON.stringify(e)}\n\n`);
    await new Promise((r) => setImmediate(r));
  }
  if (done) res.write("data: [DONE]\n\n");
  res.end();
}

const files = new Map([["file-abc", { id: "file-abc", object: "file", bytes: 11, created_at: CREATED, filename: "notes.txt", purpose: "assistants", status: "processed" }]]);
const storedResponses = new Map();

async function handle(req, res, body) {
  const url = new URL(req.url, "http://x");
  const path = url.pathname;
  if (req.method === "GET" && path === "/healthz") return send(res, 200, { status: "ok" });
  if (req.method === "GET" && path === "/__calls") return send(res, 200, calls);
  if (req.method === "GET" && path === "/__last_authorization") return send(res, 200, lastAuthorization);
  if (path.startsWith("/v1/")) {
    lastAuthorization = [];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
      if (req.rawHeaders[i].toLowerCase() === "authorization") lastAuthorization.push(req.rawHeaders[i + 1]);
    }
  }
  const json = () => { try { return JSON.parse(body.toString("utf8")); } catch { return null; } };

  if (req.method === "POST" && path === "/v1/chat/completions") {
    const r = json();
    if (!r || !Array.isArray(r.messages)) return error(res, 400, "messages is required", "invalid_request_error", null, "messages");
    const name = caseOf(lastText(r.messages));
    count(`chat:${name}`);
    if (name === "error400") return error(res, 400, "This model's maximum context length is 8192 tokens.", "invalid_request_error", "context_length_exceeded", "messages");
    if (name === "error429") return send(res, 429, { error: { message: "Rate limit reached", type: "requests", param: null, code: "rate_limit_exceeded" } }, { "retry-after": "7" });
    const choices = chatChoices(name, r);
    const id = `chatcmpl-scripted-${name}`;
    if (r.stream) return stream(res, chatChunks(id, r, choices), false, true);
    return send(res, 200, chatCompletion(id, r, choices));
  }
  if (req.method === "POST" && path === "/v1/responses") {
    const r = json();
    if (!r) return error(res, 400, "invalid JSON");
    const name = caseOf(inputText(r));
    count(`responses:${name}`);
    if (name === "error400") return error(res, 400, "Invalid 'input'.", "invalid_request_error", "invalid_value", "input");
    const id = r.previous_response_id ? `resp_scripted_followup` : `resp_scripted_${name}`;
    const resp = responseObject(id, r, name);
    storedResponses.set(id, resp);
    if (r.stream) return stream(res, responseEvents(resp), true, false);
    return send(res, 200, resp);
  }
  const responseId = /^\/v1\/responses\/([^/]+)$/.exec(path);
  if (responseId) {
    count(`responses:${req.method}`);
    const resp = storedResponses.get(responseId[1]);
    if (!resp) return error(res, 404, `Response with id '${responseId[1]}' not found.`);
    if (req.method === "DELETE") { storedResponses.delete(responseId[1]); return send(res, 200, { id: resp.id, object: "response", deleted: true }); }
    return send(res, 200, resp);
  }
  if (req.method === "POST" && path === "/v1/moderations") {
    count("moderations");
    const r = json() ?? {};
    return send(res, 200, { id: "modr-1", model: r.model ?? "omni-moderation-latest", results: [{ flagged: false, categories: { violence: false }, category_scores: { violence: 0.0001 } }] });
  }
  if (req.method === "GET" && path === "/v1/models") {
    count("models");
    return send(res, 200, { object: "list", data: [{ id: "gpt-scripted", object: "model", created: CREATED, owned_by: "scripted" }] });
  }
  const file = /^\/v1\/files\/([^/]+)(\/content)?$/.exec(path);
  if (file) {
    count(`files:${req.method}${file[2] ?? ""}`);
    const f = files.get(file[1]);
    if (!f) return error(res, 404, `No such File object: ${file[1]}`);
    if (req.method === "DELETE") return send(res, 200, { id: f.id, object: "file", deleted: true });
    if (file[2]) { res.writeHead(200, { "content-type": "application/octet-stream" }); return res.end("hello files"); }
    return send(res, 200, f);
  }
  if (req.method === "POST" && path === "/v1/files") {
    count("files:POST");
    const created = { id: "file-new", object: "file", bytes: body.length, created_at: CREATED, filename: "upload.jsonl", purpose: url.searchParams.get("purpose") ?? "batch", status: "processed", content_type: req.headers["content-type"] ?? null };
    return send(res, 200, created);
  }
  return error(res, 404, `Unknown route ${req.method} ${path}`);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => { handle(req, res, Buffer.concat(chunks)).catch((e) => error(res, 500, String(e), "server_error")); });
});
server.listen(port, "127.0.0.1", () => console.log(`listening ${server.address().port}`));
