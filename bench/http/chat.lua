-- wrk script: a small non-streaming chat completion, the gateway's most common upstream call.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"mock-gpt","messages":[{"role":"user","content":"What is Redis?"}]}'
