// The HTTP server over real sockets: keep-alive, limits, errors, handler failures, shutdown.
#include "http/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>
#include <stdexcept>

#include "http/metrics.h"
#include "http/sse_writer.h"
#include "http/standard_routes.h"
#include "http/testing/test_server.h"
#include "support/async_test.h"

namespace ragcache::http {
namespace {

namespace asio = boost::asio;
using ragcache::testing::run_async;
using testing::RawConnection;
using testing::TestServer;
using namespace std::chrono_literals;

asio::awaitable<void> sleep_ms(int ms) {
  asio::steady_timer t(co_await asio::this_coro::executor);
  t.expires_after(std::chrono::milliseconds(ms));
  co_await t.async_wait(asio::use_awaitable);
}

std::string get(std::string_view path, bool close = false) {
  std::string r = "GET " + std::string(path) + " HTTP/1.1\r\nHost: test\r\n";
  if (close) r += "Connection: close\r\n";
  return r + "\r\n";
}

std::string post(std::string_view path, std::string_view body) {
  return "POST " + std::string(path) + " HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

boost::json::object error_of(const std::string& body) {
  auto v = boost::json::parse(body);
  return v.as_object().at("error").as_object();
}

Router echo_router() {
  Router r;
  add_health_route(r);
  r.post("/echo", [](Request& req, ResponseWriter& w) -> asio::awaitable<void> {
    co_await w.send_json(200, req.body());
  });
  r.get("/items/{id}", [](Request& req, ResponseWriter& w) -> asio::awaitable<void> {
    std::string body = "{\"id\":\"" + std::string(req.param("id")) + "\",\"q\":\"" + req.query("q").value_or("") + "\"}";
    co_await w.send_json(200, body);
  });
  r.get("/throw", [](Request&, ResponseWriter&) -> asio::awaitable<void> {
    throw std::runtime_error("boom");
    co_return;
  });
  r.get("/silent", [](Request&, ResponseWriter&) -> asio::awaitable<void> { co_return; });
  r.get("/stream-then-throw", [](Request&, ResponseWriter& w) -> asio::awaitable<void> {
    SseWriter sse(w);
    co_await sse.start();
    co_await sse.event("one");
    throw std::runtime_error("mid-stream failure");
  });
  r.get("/sse", [](Request&, ResponseWriter& w) -> asio::awaitable<void> {
    SseWriter sse(w);
    Headers extra;  // outside co_await: GCC 12 mis-compiles braced string literals there
    extra.emplace_back("X-Test", "1");
    co_await sse.start(std::move(extra));
    co_await sse.event("one");
    co_await sse.event("two");
    co_await sse.done();
  });
  r.get("/sse-whole", [](Request&, ResponseWriter& w) -> asio::awaitable<void> {
    Headers extra;
    extra.emplace_back("X-Test", "1");
    co_await w.send_stream(200, "text/event-stream", "data: one\n\ndata: two\n\ndata: [DONE]\n\n", std::move(extra));
  });
  return r;
}

TEST(Server, KeepAliveServesSeveralRequestsOnOneConnection) {
  TestServer server(echo_router());
  asio::io_context ctx;
  run_async(ctx, [&]() -> asio::awaitable<void> {
    RawConnection c(co_await asio::this_coro::executor);
    EXPECT_FALSE(co_await c.connect(server.port()));
    for (int i = 0; i < 3; ++i) {
      std::string body = "{\"n\":" + std::to_string(i) + "}";
      EXPECT_FALSE(co_await c.write(post("/echo", body)));
      auto [ec, res] = co_await c.read_response();
      EXPECT_FALSE(ec) << ec.message();
      EXPECT_EQ(res.result_int(), 200u);
      EXPECT_EQ(res.body(), body);
      EXPECT_TRUE(res.keep_alive());
    }
    // Path parameters and query strings reach the handler decoded.
    EXPECT_FALSE(co_await c.write(get("/items/a%20b?q=x%2By")));
    auto [ec, res] = co_await c.read_response();
    EXPECT_FALSE(ec);
    EXPECT_EQ(res.body(), "{\"id\":\"a b\",\"q\":\"x+y\"}");
    // Pipelined: two requests in one write, two responses in order.
    EXPECT_FALSE(co_await c.write(post("/echo", "1") + post("/echo", "2")));
    auto [ec1, r1] = co_await c.read_response();
    auto [ec2, r2] = co_await c.read_response();
    EXPECT_EQ(r1.body(), "1");
    EXPECT_EQ(r2.body(), "2");
    // Connection: close is honoured.
    EXPECT_FALSE(co_await c.write(get("/healthz", true)));
    auto [ec3, r3] = co_await c.read_response();
    EXPECT_EQ(r3.result_int(), 200u);
    EXPECT_FALSE(r3.keep_alive());
    EXPECT_TRUE(co_await c.closed_by_peer());
  }(), 10s);
  EXPECT_EQ(server.server().requests_served(), 7u);
}

TEST(Server, BodyOverLimitGets413WithErrorJson) {
  ServerOptions opts;
  opts.body_limit = 1024;
  TestServer server(echo_router(), opts);
  asio::io_context ctx;
  run_async(ctx, [&]() -> asio::awaitable<void> {
    {  // Declared by Content-Length: refused before the body is read.
      RawConnection c(co_await asio::this_coro::executor);
      EXPECT_FALSE(co_await c.connect(server.port()));
      co_await c.write(post("/echo", std::string(4096, 'x')));
      auto [ec, res] = co_await c.read_response();
      EXPECT_FALSE(ec) << ec.message();
      EXPECT_EQ(res.result_int(), 413u);
      auto err = error_of(res.body());
      EXPECT_EQ(err.at("type").as_string(), "invalid_request_error");
      EXPECT_NE(std::string(err.at("message").as_string()).find("1024"), std::string::npos);
      EXPECT_TRUE(co_await c.closed_by_peer());
    }
    {  // Chunked body, no length known up front: refused once it grows past the limit.
      RawConnection c(co_await asio::this_coro::executor);
      EXPECT_FALSE(co_await c.connect(server.port()));
      std::string req = "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
      for (int i = 0; i < 4; ++i) req += "200\r\n" + std::string(512, 'y') + "\r\n";
      req += "0\r\n\r\n";
      co_await c.write(req);
      auto [ec, res] = co_await c.read_response();
      EXPECT_FALSE(ec) << ec.message();
      EXPECT_EQ(res.result_int(), 413u);
    }
    {  // At the limit is fine.
      RawConnection c(co_await asio::this_coro::executor);
      EXPECT_FALSE(co_await c.connect(server.port()));
      co_await c.write(post("/echo", std::string(1024, 'z')));
      auto [ec, res] = co_await c.read_response();
      EXPECT_EQ(res.result_int(), 200u);
      EXPECT_EQ(res.body().size(), 1024u);
    }
  }(), 15s);
}

// A route that reads its body as it arrives: no whole-body limit, its own (larger) one.
Router streaming_router() {
  Router r = echo_router();
  r.fallback("/upload/", {}, [](Request& req, ResponseWriter& w) -> asio::awaitable<void> {
    EXPECT_TRUE(req.body().empty());
    std::size_t bytes = 0, pieces = 0;
    bool all_x = true;
    for (;;) {
      auto piece = co_await req.body_reader()->next();
      if (!piece) {
        co_await w.send_error(payload_too_large(0));
        co_return;
      }
      if (!*piece) break;
      bytes += (*piece)->size();
      ++pieces;
      all_x = all_x && (*piece)->find_first_not_of('x') == std::string::npos;
    }
    const std::string body = "{\"bytes\":" + std::to_string(bytes) + ",\"pieces\":" + std::to_string(pieces) +
                             ",\"all_x\":" + (all_x ? "true" : "false") + "}";
    co_await w.send_json(200, body);
  }, /*stream_body=*/true);
  return r;
}

TEST(Server, AStreamedRouteReadsABodyLargerThanTheLimitPieceByPiece) {
  ServerOptions opts;
  opts.body_limit = 1024;
  opts.streamed_body_limit = 8 << 20;
  TestServer server(streaming_router(), opts);
  asio::io_context ctx;
  run_async(ctx, [&]() -> asio::awaitable<void> {
    RawConnection c(co_await asio::this_coro::executor);
    EXPECT_FALSE(co_await c.connect(server.port()));
    const std::string big(3 << 20, 'x');
    co_await c.write("POST /upload/file HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(big.size()) +
                     "\r\n\r\n" + big);
    auto [ec, res] = co_await c.read_response();
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(res.result_int(), 200u) << res.body();
    auto counted = boost::json::parse(res.body()).as_object();
    EXPECT_EQ(counted.at("bytes").as_int64(), 3 << 20);
    EXPECT_GT(counted.at("pieces").as_int64(), 1);  // read as it came, not whole
    EXPECT_TRUE(counted.at("all_x").as_bool());
    // The same connection serves the next request (chunked this time), then an ordinary route
    // still holds its own limit.
    std::string chunked = "POST /upload/again HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 8; ++i) chunked += "1000\r\n" + std::string(4096, 'x') + "\r\n";
    chunked += "0\r\n\r\n";
    co_await c.write(chunked);
    auto [ec2, res2] = co_await c.read_response();
    EXPECT_FALSE(ec2) << ec2.message();
    EXPECT_EQ(boost::json::parse(res2.body()).at("bytes").as_int64(), 8 * 4096);
    co_await c.write(post("/echo", std::string(2048, 'z')));
    auto [ec3, res3] = co_await c.read_response();
    EXPECT_EQ(res3.result_int(), 413u);
  }(), 20s);
}

TEST(Server, AStreamedBodyPastItsLimitIsAnErrorForTheHandler) {
  ServerOptions opts;
  opts.body_limit = 1024;
  opts.streamed_body_limit = 64 * 1024;
  TestServer server(streaming_router(), opts);
  asio::io_context ctx;
  run_async(ctx, [&]() -> asio::awaitable<void> {
    RawConnection c(co_await asio::this_coro::executor);
    EXPECT_FALSE(co_await c.connect(server.port()));
    std::string chunked = "POST /upload/big HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 32; ++i) chunked += "1000\r\n" + std::string(4096, 'x') + "\r\n";
    chunked += "0\r\n\r\n";
    co_await c.write(chunked);
    auto [ec, res] = co_await c.read_response();
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(res.result_int(), 413u);
    EXPECT_TRUE(co_await c.closed_by_peer());  // the rest of that body is never read
  }(), 20s);
}

TEST(Server, ExpectContinueIsAnswered) {
  TestServer server(echo_router());
  asio::io_context ctx;
  run_async(ctx, [&]() -> asio::awaitable<void> {
    RawConnection c(co_await asio::this_coro::executor);
    EXPECT_FALSE(co_await c.connect(server.port()));
    // Header only: the client waits for "100 Continue" before sending the body (curl does this
    // for large bodies), so a server that ignores Expect stalls every such upload.
    co_await c.write("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
    auto [ec, interim] = co_await c.read_response();
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(interim.result_int(), 100u);
    co_await c.write("hello");
    auto [ec2, res] = co_await c.read_response();
    EXPECT_EQ(res.result_int(), 200u);
    EXPECT_EQ(res.body(), "hello");
  }(), 10s);
}

TEST(Server, UnknownRouteGets404AndWrongMethod405WithErrorJson) {
  TestServer server(echo_router());
  asio::io_context ctx;
  run_async(ctx, [&]() -> asio::awaitable<void> {
    RawConnection c(co_await asio::this_coro::executor);
    EXPECT_FALSE(co_await c.connect(server.port()));
    co_await c.write(get("/v1/nothing-here"));
    auto [ec, res] = co_await c.read_response();
    EXPECT_EQ(res.result_int(), 404u);
    EXPECT_EQ(res[boost::beast::http::field::content_type], "application/json");
    auto err = error_of(res.body());
    EXPECT_EQ(err.at("type").as_string(), "invalid_request_error");
    EXPECT_TRUE(err.contains("param"));
    EXPECT_TRUE(err.contains("code"));
    co_await c.write(get("/echo"));
    auto [ec2, res2] = co_await c.read_response();
    EXPECT_EQ(res2.result_int(), 405u);
    EXPECT_EQ(res2[boost::beast::http::field::allow], "POST");
    EXPECT_TRUE(res2.keep_alive());  // an error answer does not cost the connection
  }(), 10s);
}

TEST(Server, MalformedRequestGets400AndServerKeepsServing) {
  TestServer server(echo_router());
  asio::io_context ctx;
  run_async(ctx, [&]() -> asio::awaitable<void> {
    for (std::string garbage : {std::string("THIS IS NOT HTTP\r\n\r\n"), std::string("GET / HTTP/9.9\r\n\r\n"),
                                std::string("POST /echo HTTP/1.1\r\nContent-Length: abc\r\n\r\n")}) {
      RawConnection c(co_await asio::this_coro::executor);
      EXPECT_FALSE(co_await c.connect(server.port()));
      co_await c.write(garbage);
      auto [ec, res] = co_await c.read_response();
      EXPECT_FALSE(ec) << garbage;
      EXPECT_EQ(res.result_int(), 400u) << garbage;
      EXPECT_EQ(error_of(res.body()).at("type").as_string(), "invalid_request_error");
      EXPECT_TRUE(co_await c.closed_by_peer());
    }
    RawConnection ok(co_await asio::this_coro::executor);
    EXPECT_FALSE(co_await ok.connect(server.port()));
    co_await ok.write(get("/healthz"));
    auto [ec, res] = co_await ok.read_response();
    EXPECT_EQ(res.result_int(), 200u);
  }(), 15s);
}

TEST(Server, HeaderOverLimitGets431) {
  ServerOptions opts;
  opts.header_limit = 1024;
  TestServer server(echo_router(), opts);
  asio::io_context ctx;
  run_async(ctx, [&]() -> asio::awaitable<void> {
    RawConnection c(co_await asio::this_coro::executor);
    EXPECT_FALSE(co_await c.connect(server.port()));
    co_await c.write("GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(4096, 'h') + "\r\n\r\n");
    auto [ec, res] = co_await c.read_response();
    EXPECT_EQ(res.result_int(), 431u);
  }(), 10s);
}

TEST(Server, HandlerExceptionBecomes500AndConnectionSurvives) {
  TestServer server(echo_router());
  asio::io_context ctx;
  run_async(ctx, [&]() -> asio::awaitable<void> {
    RawConnection c(co_await asio::this_coro::executor);
    EXPECT_FALSE(co_await c.connect(server.port()));
    co_await c.write(get("/throw"));
    auto [ec, res] = co_await c.read_response();
    EXPECT_EQ(res.result_int(), 500u);
    EXPECT_EQ(error_of(res.body()).at("type").as_string(), "server_error");
    co_await c.write(get("/silent"));  // returned without answering: also a 500, not a hang
    auto [ec2, res2] = co_await c.read_response();
    EXPECT_EQ(res2.result_int(), 500u);
    co_await c.write(get("/healthz"));
    auto [ec3, res3] = co_await c.read_response();
    EXPECT_EQ(res3.result_int(), 200u);
  }(), 10s);
}

TEST(Server, ExceptionMidStreamTruncatesTheResponse) {
  TestServer server(echo_router());
  asio::io_context ctx;
  run_async(ctx, [&]() -> asio::awaitable<void> {
    RawConnection c(co_await asio::this_coro::executor);
    EXPECT_FALSE(co_await c.connect(server.port()));
    co_await c.write(get("/stream-then-throw"));
    auto [ec, res] = co_await c.read_response();
    // The status line was already 200, so the only honest signal left is a cut connection:
    // the chunked body never gets its terminating chunk.
    EXPECT_EQ(ec, boost::beast::http::error::partial_message) << ec.message();
  }(), 10s);
}

TEST(Server, SseResponseIsChunkedEventStream) {
  TestServer server(echo_router());
  asio::io_context ctx;
  run_async(ctx, [&]() -> asio::awaitable<void> {
    RawConnection c(co_await asio::this_coro::executor);
    EXPECT_FALSE(co_await c.connect(server.port()));
    co_await c.write(get("/sse"));
    auto [ec, res] = co_await c.read_response();
    EXPECT_FALSE(ec);
    EXPECT_EQ(res[boost::beast::http::field::content_type], "text/event-stream");
    EXPECT_EQ(res[boost::beast::http::field::cache_control], "no-cache");
    EXPECT_EQ(res["X-Test"], "1");
    EXPECT_TRUE(res.chunked());
    EXPECT_EQ(res.body(), "data: one\n\ndata: two\n\ndata: [DONE]\n\n");
    // HTTP/1.0 client: no chunking, body ends with the connection.
    RawConnection old(co_await asio::this_coro::executor);
    EXPECT_FALSE(co_await old.connect(server.port()));
    co_await old.write("GET /sse HTTP/1.0\r\n\r\n");
    auto [ec2, res2] = co_await old.read_response();
    EXPECT_FALSE(ec2) << ec2.message();
    EXPECT_EQ(res2.body(), "data: one\n\ndata: two\n\ndata: [DONE]\n\n");
  }(), 10s);
}

TEST(Server, WholeStreamInOneWriteIsTheSameChunkedStream) {
  TestServer server(echo_router());
  asio::io_context ctx;
  run_async(ctx, [&]() -> asio::awaitable<void> {
    RawConnection c(co_await asio::this_coro::executor);
    EXPECT_FALSE(co_await c.connect(server.port()));
    for (int i = 0; i < 2; ++i) {  // the connection stays usable
      co_await c.write(get("/sse-whole"));
      auto [ec, res] = co_await c.read_response();
      EXPECT_FALSE(ec);
      EXPECT_EQ(res.result_int(), 200u);
      EXPECT_EQ(res[boost::beast::http::field::content_type], "text/event-stream");
      EXPECT_EQ(res["X-Test"], "1");
      EXPECT_TRUE(res.chunked());
      EXPECT_TRUE(res.keep_alive());
      EXPECT_EQ(res.body(), "data: one\n\ndata: two\n\ndata: [DONE]\n\n");
    }
    RawConnection old(co_await asio::this_coro::executor);
    EXPECT_FALSE(co_await old.connect(server.port()));
    co_await old.write("GET /sse-whole HTTP/1.0\r\n\r\n");
    auto [ec2, res2] = co_await old.read_response();
    EXPECT_FALSE(ec2) << ec2.message();
    EXPECT_FALSE(res2.chunked());
    EXPECT_EQ(res2.body(), "data: one\n\ndata: two\n\ndata: [DONE]\n\n");
  }(), 10s);
}

TEST(Server, GracefulShutdownFinishesInFlightRequests) {
  std::atomic<bool> handler_started{false};
  std::atomic<bool> release{false};
  Router r = echo_router();
  r.get("/slow", [&](Request&, ResponseWriter& w) -> asio::awaitable<void> {
    handler_started = true;
    // Waits until the test has begun the shutdown (bounded, so it cannot hang).
    for (int i = 0; i < 1000 && !release.load(); ++i) co_await sleep_ms(5);
    co_await w.send_json(200, "{\"done\":true}");
  });
  TestServer server(std::move(r));
  asio::io_context ctx;
  run_async(ctx, [&]() -> asio::awaitable<void> {
    RawConnection busy(co_await asio::this_coro::executor);
    RawConnection idle(co_await asio::this_coro::executor);
    EXPECT_FALSE(co_await busy.connect(server.port()));
    EXPECT_FALSE(co_await idle.connect(server.port()));
    co_await idle.write(get("/healthz"));
    auto [iec, ires] = co_await idle.read_response();
    EXPECT_EQ(ires.result_int(), 200u);
    co_await busy.write(get("/slow"));
    while (!handler_started.load()) co_await sleep_ms(2);

    auto stopped = server.stop_async(10s);
    // The idle keep-alive connection is closed at once.
    EXPECT_TRUE(co_await idle.closed_by_peer());
    // New connections are refused once the acceptor is closed.
    for (int i = 0; i < 200; ++i) {
      RawConnection probe(co_await asio::this_coro::executor);
      if (co_await probe.connect(server.port())) break;
      co_await sleep_ms(5);
    }
    RawConnection late(co_await asio::this_coro::executor);
    EXPECT_TRUE(co_await late.connect(server.port()));
    EXPECT_EQ(stopped.wait_for(0s), std::future_status::timeout);  // still waiting for /slow

    release = true;
    auto [ec, res] = co_await busy.read_response();
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(res.result_int(), 200u);
    EXPECT_EQ(res.body(), "{\"done\":true}");
    EXPECT_FALSE(res.keep_alive());
    for (int i = 0; i < 1000 && stopped.wait_for(0s) != std::future_status::ready; ++i) co_await sleep_ms(5);
    EXPECT_EQ(stopped.wait_for(0s), std::future_status::ready);
  }(), 20s);
  EXPECT_EQ(server.server().active_connections(), 0u);
}

TEST(Server, ShutdownDeadlineCancelsStuckHandlers) {
  Router r;
  r.get("/stuck", [](Request&, ResponseWriter& w) -> asio::awaitable<void> {
    co_await sleep_ms(60'000);
    co_await w.send_json(200, "{}");
  });
  TestServer server(std::move(r));
  asio::io_context ctx;
  run_async(ctx, [&]() -> asio::awaitable<void> {
    RawConnection c(co_await asio::this_coro::executor);
    EXPECT_FALSE(co_await c.connect(server.port()));
    co_await c.write(get("/stuck"));
    while (server.server().active_connections() == 0) co_await sleep_ms(2);
    co_await sleep_ms(20);
    auto stopped = server.stop_async(100ms);
    EXPECT_TRUE(co_await c.closed_by_peer());
    for (int i = 0; i < 1000 && stopped.wait_for(0s) != std::future_status::ready; ++i) co_await sleep_ms(5);
    EXPECT_EQ(stopped.wait_for(0s), std::future_status::ready);
  }(), 15s);
  EXPECT_EQ(server.server().active_connections(), 0u);
}

TEST(Server, MetricsCountRequestsByStatus) {
  MetricsRegistry metrics;
  Router r = echo_router();
  add_metrics_route(r, metrics);
  ServerOptions opts;
  opts.metrics = &metrics;
  TestServer server(std::move(r), opts);
  asio::io_context ctx;
  run_async(ctx, [&]() -> asio::awaitable<void> {
    RawConnection c(co_await asio::this_coro::executor);
    EXPECT_FALSE(co_await c.connect(server.port()));
    co_await c.write(get("/healthz") + get("/nope") + get("/metrics"));
    co_await c.read_response();
    co_await c.read_response();
    auto [ec, res] = co_await c.read_response();
    EXPECT_EQ(res.result_int(), 200u);
    EXPECT_EQ(res[boost::beast::http::field::content_type], MetricsRegistry::kContentType);
    EXPECT_NE(res.body().find("ragcache_http_requests_total{code=\"200\"} 1\n"), std::string::npos) << res.body();
    EXPECT_NE(res.body().find("ragcache_http_requests_total{code=\"404\"} 1\n"), std::string::npos) << res.body();
    EXPECT_NE(res.body().find("ragcache_http_connections_open 1\n"), std::string::npos) << res.body();
  }(), 10s);
}

TEST(Server, ListenOnBusyPortIsAClearError) {
  TestServer first(echo_router());
  asio::io_context ctx;
  ServerOptions opts;
  opts.port = first.port();
  Server second(ctx, opts, echo_router());
  auto r = second.listen();
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message().find(std::to_string(first.port())), std::string::npos);
}

}  // namespace
}  // namespace ragcache::http
