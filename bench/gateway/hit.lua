-- wrk script: the same chat completion every time (an exact-cache hit after the first).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"mock-gpt","messages":[{"role":"user","content":"What is the capital of France?"}]}'
