-- wrk script: the same streaming chat completion every time (an exact-cache hit replayed as SSE
-- after the first; the answer is shared with hit.lua's, since `stream` is not part of the key).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"mock-gpt","messages":[{"role":"user","content":"What is the capital of France?"}],"stream":true}'
