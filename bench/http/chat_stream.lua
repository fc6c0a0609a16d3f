-- wrk script: the same chat completion, streamed (26 SSE events + [DONE] per response).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"mock-gpt","messages":[{"role":"user","content":"What is Redis?"}],"stream":true}'
