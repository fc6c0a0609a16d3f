// A load generator for the gateway's end-to-end and fault tests: many chat completions at once,
// spread round-robin over several `ragcache serve` processes, each answer decoded (JSON or SSE)
// and timed. Built on ragcache's own HTTP client with one keep-alive pool per gateway, in one
// thread: thousands of requests in flight cost a few MB and no threads.
//
// Header-only because it needs the http layer, which the harness library (ragcache::testing)
// does not link; include it only from test executables that link ragcache::http (app's tests).
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "http/sse_parser.h"
#include "http/upstream_client.h"
#include "support/async_test.h"

namespace ragcache::testing {

struct LoadRequest {
  std::string question;
  bool stream = false;
};

struct LoadResult {
  int status = 0;          // 0: no HTTP response at all (see error)
  std::string x_cache;     // the X-Cache header
  std::string answer;      // the assistant's text (joined deltas for a stream)
  std::string error;       // transport error or non-2xx body
  std::chrono::milliseconds started{};  // since the load began
  std::chrono::milliseconds latency{};
};

struct LoadOptions {
  std::vector<std::string> gateway_urls;  // http://127.0.0.1:<port> (no /v1)
  int workers = 1;                        // requests in flight at once
  int requests = 1;                       // total; worker w sends w, w + workers, ...
  std::function<LoadRequest(int)> request;  // the i-th request
  std::function<bool()> keep_going = [] { return true; };  // checked before each request
  // Budgets, both stretched by time_scale() (support/time_scale.h).
  std::chrono::milliseconds request_timeout{30'000};
  std::chrono::milliseconds deadline{60'000};  // the whole run; past it the test fails
};

namespace gateway_load_detail {

inline std::string answer_text(const http::UpstreamResponse& r, bool stream) {
  namespace json = boost::json;
  std::string out;
  if (!stream) {
    auto content = json::parse(r.body).at("choices").at(0).at("message").at("content");
    return content.is_string() ? std::string(content.as_string()) : std::string();
  }
  http::SseParser parser;
  for (const auto& ev : parser.feed(r.body)) {
    if (ev.data == "[DONE]") continue;
    auto chunk = json::parse(ev.data);
    for (const auto& c : chunk.at("choices").as_array()) {
      if (const auto* content = c.at("delta").as_object().if_contains("content")) out += content->as_string().c_str();
    }
  }
  return out;
}

}  // namespace gateway_load_detail

// Runs the load to completion and returns one result per request sent, in request order.
inline std::vector<LoadResult> run_gateway_load(const LoadOptions& o) {
  namespace asio = boost::asio;
  namespace json = boost::json;
  using Clock = std::chrono::steady_clock;
  asio::io_context io;
  std::vector<std::shared_ptr<http::UpstreamClient>> clients;
  const auto pool = static_cast<std::size_t>(o.workers) / o.gateway_urls.size() + 8;
  const auto request_timeout = scaled(o.request_timeout);
  for (const auto& url : o.gateway_urls) {
    auto c = http::UpstreamClient::create(io.get_executor(), {.base_url = url + "/v1",
                                                              .connect_timeout = request_timeout,
                                                              .first_byte_timeout = request_timeout,
                                                              .idle_read_timeout = request_timeout,
                                                              .total_timeout = request_timeout,
                                                              .max_connections = pool,
                                                              .max_idle_connections = pool});
    if (!c) throw std::runtime_error("load client for " + url + ": " + c.error().message());
    clients.push_back(*c);
  }
  std::vector<LoadResult> results(static_cast<std::size_t>(o.requests));
  std::vector<bool> sent(results.size(), false);
  const auto begin = Clock::now();
  int active = o.workers;
  for (int w = 0; w < o.workers; ++w) {
    asio::co_spawn(io, [&, w]() -> asio::awaitable<void> {
      for (int i = w; i < o.requests && o.keep_going(); i += o.workers) {
        const LoadRequest spec = o.request(i);
        json::object body;
        body["model"] = "mock-gpt";
        body["messages"] = json::array{json::object{{"role", "user"}, {"content", spec.question}}};
        if (spec.stream) body["stream"] = true;
        http::UpstreamRequest req;
        req.endpoint = "/chat/completions";
        req.body = json::serialize(body);
        LoadResult& out = results[static_cast<std::size_t>(i)];
        sent[static_cast<std::size_t>(i)] = true;
        const auto t0 = Clock::now();
        out.started = std::chrono::duration_cast<std::chrono::milliseconds>(t0 - begin);
        auto r = co_await clients[static_cast<std::size_t>(i) % clients.size()]->send(std::move(req));
        out.latency = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
        if (!r) {
          out.error = r.error().message();
          continue;
        }
        out.status = r->status;
        out.x_cache = std::string(r->header("X-Cache"));
        if (!r->ok()) {
          out.error = r->body.substr(0, 500);
          continue;
        }
        try {
          out.answer = gateway_load_detail::answer_text(*r, spec.stream);
        } catch (const std::exception& e) {
          out.error = std::string("undecodable answer: ") + e.what();
        }
      }
      --active;
    }, asio::detached);
  }
  if (!run_until(io, [&] { return active == 0; }, o.deadline)) {
    throw std::runtime_error("gateway load did not finish within its deadline");
  }
  std::vector<LoadResult> done;
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (sent[i]) done.push_back(std::move(results[i]));
  }
  return done;
}

}  // namespace ragcache::testing
