// The upstream client against real servers: the in-process mock LLM, purpose-built routes for
// chunked / slow responses, and a local TLS server with a certificate made in the test.
#include "http/upstream_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json.hpp>
#include <thread>

#include "base/hash.h"
#include "http/errors.h"
#include "mock_llm/mock_llm.h"
#include "http/sse_parser.h"
#include "http/sse_writer.h"
#include "http/testing/self_signed_cert.h"
#include "http/testing/test_server.h"
#include "support/async_test.h"
#include "support/free_port.h"

namespace ragcache::http {
namespace {

using mock::MockLlm;
using mock::MockLlmOptions;

namespace asio = boost::asio;
namespace json = boost::json;
using ragcache::testing::run_async;
using testing::TestServer;
using namespace std::chrono_literals;

asio::awaitable<void> sleep_ms(int ms) {
  asio::steady_timer t(co_await asio::this_coro::executor);
  t.expires_after(std::chrono::milliseconds(ms));
  co_await t.async_wait(asio::use_awaitable);
}

std::shared_ptr<UpstreamClient> make_client(asio::io_context& ctx, std::string base_url,
                                            std::function<void(UpstreamOptions&)> tweak = {}) {
  UpstreamOptions o;
  o.base_url = std::move(base_url);
  o.api_key = "sk-test";
  o.connect_timeout = 2s;
  o.first_byte_timeout = 5s;
  o.total_timeout = 10s;
  if (tweak) tweak(o);
  auto c = UpstreamClient::create(ctx.get_executor(), o);
  if (!c) throw std::runtime_error(c.error().message());
  return *c;
}

UpstreamRequest chat_request(std::string question, bool stream, Headers headers = {}) {
  json::object body{{"model", "mock-gpt"},
                    {"messages", json::array{json::object{{"role", "user"}, {"content", question}}}}};
  if (stream) {
    body["stream"] = true;
    body["stream_options"] = json::object{{"include_usage", true}};
  }
  UpstreamRequest r;
  r.endpoint = "/chat/completions";
  r.body = json::serialize(body);
  r.headers = std::move(headers);
  return r;
}

struct MockFixture {
  MockFixture() : server(routes()) {}
  Router routes() {
    Router r;
    mock.add_routes(r);
    // Sends the API key it saw, to check the client's Authorization header.
    r.get("/v1/whoami", [](Request& req, ResponseWriter& w) -> asio::awaitable<void> {
      std::string body = json::serialize(json::object{{"auth", req.header("Authorization")}});
      co_await w.send_json(200, std::move(body));
    });
    // Streams chunk i+1 only after the test saw chunk i: proves delivery is incremental
    // without measuring time (if the client buffered, the handler would wait in vain).
    r.get("/v1/lockstep", [this](Request&, ResponseWriter& w) -> asio::awaitable<void> {
      SseWriter sse(w);
      co_await sse.start();
      for (int i = 0; i < 5; ++i) {
        co_await sse.event("{\"i\":" + std::to_string(i) + "}");
        for (int spin = 0; spin < 2000 && seen.load() <= i; ++spin) co_await sleep_ms(2);
        if (seen.load() <= i) throw std::runtime_error("client did not receive chunk in time");
      }
      co_await sse.done();
    });
    // "[DONE]" at once, the end of the body (last chunk) only once the test says so.
    r.get("/v1/held-tail", [this](Request&, ResponseWriter& w) -> asio::awaitable<void> {
      SseWriter sse(w);
      co_await sse.start();
      co_await sse.event("{\"i\":0}");
      co_await w.write(std::string(kSseDone));
      for (int spin = 0; spin < 2000 && !release_tail.load(); ++spin) co_await sleep_ms(2);
    });
    return r;
  }
  MockLlm mock;
  std::atomic<int> seen{0};
  std::atomic<bool> release_tail{false};
  TestServer server;
};

TEST(UpstreamClient, NonStreamChatCompletion) {
  MockFixture f;
  asio::io_context ctx;
  auto client = make_client(ctx, f.server.base_url());
  run_async(ctx, [&]() -> asio::awaitable<void> {
    auto resp = co_await client->send(chat_request("What is Redis?", false));
    EXPECT_TRUE(resp.has_value()) << resp.error().message();
    if (!resp) co_return;
    EXPECT_EQ(resp->status, 200);
    EXPECT_EQ(resp->header("content-type"), "application/json");
    auto v = json::parse(resp->body).as_object();
    EXPECT_EQ(v.at("object").as_string(), "chat.completion");
    auto content = v.at("choices").as_array().at(0).as_object().at("message").as_object().at("content").as_string();
    EXPECT_FALSE(content.empty());
    EXPECT_GT(v.at("usage").as_object().at("completion_tokens").as_int64(), 0);

    UpstreamRequest who;
    who.method = boost::beast::http::verb::get;
    who.endpoint = "/whoami";
    auto w = co_await client->send(who);
    EXPECT_TRUE(w.has_value());
    if (w) { EXPECT_EQ(w->body, "{\"auth\":\"Bearer sk-test\"}"); }
  }(), 10s);
}

TEST(UpstreamClient, StreamDeliversChunksIncrementallyAndInOrder) {
  MockFixture f;
  asio::io_context ctx;
  auto client = make_client(ctx, f.server.base_url());
  run_async(ctx, [&]() -> asio::awaitable<void> {
    UpstreamRequest r;
    r.method = boost::beast::http::verb::get;
    r.endpoint = "/lockstep";
    auto stream = co_await client->open_stream(r);
    EXPECT_TRUE(stream.has_value()) << stream.error().message();
    if (!stream) co_return;
    EXPECT_EQ(stream->status(), 200);
    EXPECT_EQ(stream->header("Content-Type"), "text/event-stream");
    SseParser parser;
    std::vector<SseEvent> events;
    for (;;) {
      auto piece = co_await stream->next();
      EXPECT_TRUE(piece.has_value()) << piece.error().message();
      if (!piece || !*piece) break;
      std::vector<SseEvent> got;
      parser.feed(**piece, got);
      for (auto& e : got) {
        if (!e.is_done()) f.seen.fetch_add(1);  // lets the server send the next one
        events.push_back(std::move(e));
      }
    }
    EXPECT_EQ(events.size(), 6u);
    for (int i = 0; i < 5 && i < static_cast<int>(events.size()); ++i) {
      EXPECT_EQ(events[i].data, "{\"i\":" + std::to_string(i) + "}");
    }
    EXPECT_TRUE(!events.empty() && events.back().is_done());
    EXPECT_FALSE(parser.has_partial_event());
  }(), 15s);
  EXPECT_EQ(client->stats().idle_connections, 1u);  // fully read: back in the pool
}

TEST(UpstreamClient, StreamedChatMatchesNonStreamedAnswer) {
  MockFixture f;
  asio::io_context ctx;
  auto client = make_client(ctx, f.server.base_url());
  run_async(ctx, [&]() -> asio::awaitable<void> {
    auto whole = co_await client->send(chat_request("Explain caching", false));
    EXPECT_TRUE(whole.has_value());
    if (!whole) co_return;
    std::string expected(json::parse(whole->body).at("choices").at(0).at("message").at("content").as_string());

    auto stream = co_await client->open_stream(chat_request("Explain caching", true));
    EXPECT_TRUE(stream.has_value());
    if (!stream) co_return;
    SseParser parser;
    std::string content;
    bool done = false;
    int pieces = 0;
    while (true) {
      auto piece = co_await stream->next();
      if (!piece || !*piece) break;
      ++pieces;
      for (auto& e : parser.feed(**piece)) {
        if (e.is_done()) {
          done = true;
          continue;
        }
        auto chunk = json::parse(e.data).as_object();
        for (const auto& choice : chunk.at("choices").as_array()) {
          const auto& delta = choice.at("delta").as_object();
          if (auto* c = delta.if_contains("content")) content += c->as_string();
        }
      }
    }
    EXPECT_TRUE(done);
    EXPECT_GT(pieces, 1);
    EXPECT_EQ(content, expected);
  }(), 10s);
}

TEST(UpstreamClient, UpstreamErrorStatusIsReturnedWithBody) {
  MockFixture f;
  asio::io_context ctx;
  auto client = make_client(ctx, f.server.base_url());
  run_async(ctx, [&]() -> asio::awaitable<void> {
    Headers h;
    h.emplace_back("X-Mock-Error", "500");
    auto resp = co_await client->send(chat_request("hi", false, h));
    EXPECT_TRUE(resp.has_value());
    if (!resp) co_return;
    EXPECT_EQ(resp->status, 500);
    EXPECT_FALSE(resp->ok());
    EXPECT_EQ(json::parse(resp->body).at("error").at("type").as_string(), "server_error");
    // Streaming request, error status: the body is readable the same way.
    auto stream = co_await client->open_stream(chat_request("hi", true, h));
    EXPECT_TRUE(stream.has_value());
    if (!stream) co_return;
    EXPECT_EQ(stream->status(), 500);
    auto body = co_await stream->read_all();
    EXPECT_TRUE(body.has_value());
    if (body) { EXPECT_NE(body->find("Injected error 500"), std::string::npos); }
  }(), 10s);
}

TEST(UpstreamClient, ConnectRefusedIsAClearError) {
  asio::io_context ctx;
  int port = ragcache::testing::free_port();
  auto client = make_client(ctx, "http://127.0.0.1:" + std::to_string(port) + "/v1");
  run_async(ctx, [&]() -> asio::awaitable<void> {
    auto resp = co_await client->send(chat_request("hi", false));
    EXPECT_FALSE(resp.has_value());
    if (resp) co_return;
    EXPECT_EQ(resp.error().code, make_error_code(HttpErrc::connect_failed));
    EXPECT_NE(resp.error().message().find(std::to_string(port)), std::string::npos) << resp.error().message();
  }(), 10s);
}

TEST(UpstreamClient, FirstByteTimeout) {
  MockFixture f;
  asio::io_context ctx;
  auto client = make_client(ctx, f.server.base_url(), [](UpstreamOptions& o) { o.first_byte_timeout = 200ms; });
  run_async(ctx, [&]() -> asio::awaitable<void> {
    Headers h;
    h.emplace_back("X-Mock-Latency-Ms", "5000");
    auto resp = co_await client->send(chat_request("slow", false, h));
    EXPECT_FALSE(resp.has_value());
    if (!resp) { EXPECT_EQ(resp.error().code, make_error_code(HttpErrc::first_byte_timeout)) << resp.error().message(); }
  }(), 10s);
  EXPECT_EQ(client->stats().idle_connections, 0u);  // a timed-out connection is never reused
}

// A request's own first-byte timeout overrides the client's, both ways: shorter fails sooner,
// longer lets a slow header through (what upstream_chat does for a non-stream completion).
TEST(UpstreamClient, RequestFirstByteTimeoutOverridesTheClients) {
  MockFixture f;
  asio::io_context ctx;
  auto client = make_client(ctx, f.server.base_url(), [](UpstreamOptions& o) { o.first_byte_timeout = 300ms; });
  run_async(ctx, [&]() -> asio::awaitable<void> {
    Headers h;
    h.emplace_back("X-Mock-Latency-Ms", "800");
    auto longer = chat_request("slow but allowed", false, h);
    longer.first_byte_timeout = 5s;
    auto ok = co_await client->send(std::move(longer));
    EXPECT_TRUE(ok.has_value()) << ok.error().message();
    if (ok) {
      EXPECT_EQ(ok->status, 200);
    }

    auto shorter = chat_request("too slow", false, h);
    shorter.first_byte_timeout = 100ms;
    // The answer would have come after 800 ms: a first-byte timeout means it gave up before.
    auto failed = co_await client->send(std::move(shorter));
    EXPECT_FALSE(failed.has_value());
    if (!failed) {
      EXPECT_EQ(failed.error().code, make_error_code(HttpErrc::first_byte_timeout)) << failed.error().message();
    }
  }(), 10s);
}

TEST(UpstreamClient, TotalTimeoutCoversSlowStreams) {
  MockFixture f;
  asio::io_context ctx;
  auto client = make_client(ctx, f.server.base_url(), [](UpstreamOptions& o) { o.total_timeout = 300ms; });
  run_async(ctx, [&]() -> asio::awaitable<void> {
    UpstreamRequest r;
    r.method = boost::beast::http::verb::get;
    r.endpoint = "/lockstep";  // never advances: the test does not bump `seen`
    auto stream = co_await client->open_stream(r);
    EXPECT_TRUE(stream.has_value());
    if (!stream) co_return;
    Result<std::optional<std::string>> piece;
    do {
      piece = co_await stream->next();
    } while (piece && *piece);
    EXPECT_FALSE(piece.has_value());
    if (!piece) { EXPECT_EQ(piece.error().code, make_error_code(HttpErrc::total_timeout)) << piece.error().message(); }
  }(), 10s);
}

TEST(UpstreamClient, KeepAliveConnectionsAreReused) {
  MockFixture f;
  asio::io_context ctx;
  auto client = make_client(ctx, f.server.base_url());
  run_async(ctx, [&]() -> asio::awaitable<void> {
    for (int i = 0; i < 4; ++i) {
      auto resp = co_await client->send(chat_request("q" + std::to_string(i), i % 2 == 1));
      EXPECT_TRUE(resp.has_value());
      if (resp) { EXPECT_EQ(resp->status, 200); }
    }
  }(), 10s);
  auto s = client->stats();
  EXPECT_EQ(s.connections_opened, 1u);
  EXPECT_EQ(s.connections_reused, 3u);
  EXPECT_EQ(s.idle_connections, 1u);
}

TEST(UpstreamClient, DiscardedRestOfABodyKeepsTheConnectionForReuse) {
  MockFixture f;
  asio::io_context ctx;
  auto client = make_client(ctx, f.server.base_url());
  run_async(ctx, [&]() -> asio::awaitable<void> {
    UpstreamRequest req;
    req.method = boost::beast::http::verb::get;
    req.endpoint = "/held-tail";
    auto stream = co_await client->open_stream(std::move(req));
    EXPECT_TRUE(stream.has_value());
    if (!stream) co_return;
    std::string got;
    while (got.find("[DONE]") == std::string::npos) {
      auto piece = co_await stream->next();
      EXPECT_TRUE(piece && *piece);
      if (!piece || !*piece) co_return;
      got += **piece;
    }
    UpstreamStream::discard_rest(std::move(*stream));  // the body has not ended yet
    EXPECT_EQ(client->stats().idle_connections, 0u);
    f.release_tail = true;
    for (int i = 0; i < 2500 && client->stats().idle_connections == 0; ++i) co_await sleep_ms(2);
    EXPECT_EQ(client->stats().idle_connections, 1u);
    auto next = co_await client->send(chat_request("again", false));
    EXPECT_TRUE(next && next->status == 200);
  }(), 20s);
  EXPECT_EQ(client->stats().connections_opened, 1u);
  EXPECT_EQ(client->stats().connections_reused, 1u);
}

TEST(UpstreamClient, ConcurrentRequestsOpenSeveralConnectionsThenReuseThem) {
  MockFixture f;
  asio::io_context ctx;
  auto client = make_client(ctx, f.server.base_url(), [](UpstreamOptions& o) { o.max_idle_connections = 2; });
  run_async(ctx, [&]() -> asio::awaitable<void> {
    using namespace asio::experimental::awaitable_operators;
    auto one = [&](std::string q) -> asio::awaitable<int> {
      auto r = co_await client->send(chat_request(q, false));
      co_return r ? r->status : -1;
    };
    auto [a, b, c] = co_await (one("a") && one("b") && one("c"));
    EXPECT_EQ(a, 200);
    EXPECT_EQ(b, 200);
    EXPECT_EQ(c, 200);
  }(), 10s);
  auto s = client->stats();
  EXPECT_EQ(s.connections_opened, 3u);
  EXPECT_EQ(s.idle_connections, 2u);  // the pool bound
}

TEST(UpstreamClient, ConnectionLimitMakesRequestsWaitForASlot) {
  MockFixture f;
  asio::io_context ctx;
  auto client = make_client(ctx, f.server.base_url(), [](UpstreamOptions& o) {
    o.max_connections = 1;
    o.connect_timeout = 200ms;
  });
  run_async(ctx, [&]() -> asio::awaitable<void> {
    using namespace asio::experimental::awaitable_operators;
    auto one = [&](std::string q, Headers h = {}) -> asio::awaitable<Result<UpstreamResponse>> {
      co_return co_await client->send(chat_request(q, false, h));
    };
    // Quick requests queue for the one connection and all succeed on it.
    auto [a, b, c] = co_await (one("a") && one("b") && one("c"));
    for (auto* r : {&a, &b, &c}) EXPECT_TRUE(r->has_value()) << r->error().message();
    EXPECT_EQ(client->stats().connections_opened, 1u);
    // A slow request holds the only connection longer than another may wait for it.
    Headers slow;
    slow.emplace_back("X-Mock-Latency-Ms", "600");
    co_await client->send(chat_request("warm", false));  // (leaves the connection idle in the pool)
    auto [held, refused, second] = co_await (one("slow", slow) && one("slow2", slow) && one("q"));
    EXPECT_TRUE(held.has_value()) << held.error().message();
    int exhausted = 0;
    for (auto* r : {&refused, &second}) {
      if (!r->has_value() && r->error().code == make_error_code(HttpErrc::pool_exhausted)) ++exhausted;
    }
    EXPECT_EQ(exhausted, 2);
  }(), 10s);
}

TEST(UpstreamClient, ConnectionClosedByServerWhileIdleIsRetriedOnce) {
  MockLlm mock;
  Router r;
  mock.add_routes(r);
  ServerOptions so;
  so.idle_timeout = 50ms;  // the server drops idle keep-alive connections quickly
  TestServer server(std::move(r), so);
  asio::io_context ctx;
  auto client = make_client(ctx, server.base_url());
  run_async(ctx, [&]() -> asio::awaitable<void> {
    auto first = co_await client->send(chat_request("a", false));
    EXPECT_TRUE(first.has_value());
    co_await sleep_ms(300);  // longer than the server's idle timeout
    auto second = co_await client->send(chat_request("b", false));
    EXPECT_TRUE(second.has_value()) << second.error().message();
    if (second) { EXPECT_EQ(second->status, 200); }
  }(), 10s);
  auto s = client->stats();
  EXPECT_EQ(s.connections_opened, 2u);
  EXPECT_EQ(s.retries_on_stale, 1u);
  EXPECT_EQ(mock.stats().chat_calls, 2u);  // the retry did not reach the model twice
}

TEST(UpstreamClient, CancelledRequestDoesNotLeakIntoThePool) {
  MockFixture f;
  asio::io_context ctx;
  auto client = make_client(ctx, f.server.base_url());
  run_async(ctx, [&]() -> asio::awaitable<void> {
    using namespace asio::experimental::awaitable_operators;
    Headers h;
    h.emplace_back("X-Mock-Latency-Ms", "3000");
    auto winner = co_await (client->send(chat_request("slow", false, h)) || sleep_ms(100));
    EXPECT_EQ(winner.index(), 1u);  // the timer won; the request was cancelled
    EXPECT_EQ(client->stats().idle_connections, 0u);
    auto after = co_await client->send(chat_request("fast", false));
    EXPECT_TRUE(after.has_value());
    if (after) { EXPECT_EQ(after->status, 200); }
  }(), 10s);
}

// A request body given piece by piece goes out as it comes: chunked when its size is unknown,
// with Content-Length when it is, to a real server that reads it as it arrives.
TEST(UpstreamClient, StreamedRequestBodiesArriveWhole) {
  Router r;
  r.fallback("/v1/upload/", {}, [](Request& req, ResponseWriter& w) -> asio::awaitable<void> {
    std::string seen;
    for (;;) {
      auto piece = co_await req.body_reader()->next();
      if (!piece || !*piece) break;
      seen += **piece;
    }
    const std::string framing = req.has_header("Content-Length") ? "length" : "chunked";
    const std::string body = "{\"framing\":\"" + framing + "\",\"bytes\":" + std::to_string(seen.size()) +
                             ",\"sha\":\"" + sha256_hex(seen).substr(0, 16) + "\"}";
    co_await w.send_json(200, body);
  }, /*stream_body=*/true);
  TestServer server(std::move(r));
  asio::io_context ctx;
  auto client = make_client(ctx, server.base_url());
  std::string expected;
  for (int i = 0; i < 40; ++i) expected += std::string(50'000, static_cast<char>('a' + i % 26));
  for (bool sized : {false, true}) {
    SCOPED_TRACE(sized ? "Content-Length" : "chunked");
    auto parts = std::make_shared<std::size_t>(0);
    UpstreamRequest up;
    up.endpoint = "/upload/file";
    up.content_type = "application/octet-stream";
    up.body_source = [&expected, parts]() -> asio::awaitable<Result<std::optional<std::string>>> {
      if (*parts == 40) co_return std::optional<std::string>();
      co_return std::optional<std::string>(expected.substr((*parts)++ * 50'000, 50'000));
    };
    if (sized) up.body_size = expected.size();
    auto resp = run_async(ctx, client->send(std::move(up)), 20s);
    ASSERT_TRUE(resp) << resp.error().message();
    ASSERT_EQ(resp->status, 200) << resp->body;
    auto o = json::parse(resp->body).as_object();
    EXPECT_EQ(o.at("framing"), sized ? "length" : "chunked");
    EXPECT_EQ(o.at("bytes").as_int64(), static_cast<std::int64_t>(expected.size()));
    EXPECT_EQ(o.at("sha").as_string(), sha256_hex(expected).substr(0, 16));
  }
}

TEST(UpstreamClient, BadBaseUrlIsRejectedAtCreation) {
  asio::io_context ctx;
  UpstreamOptions o;
  o.base_url = "ftp://example.com/v1";
  auto c = UpstreamClient::create(ctx.get_executor(), o);
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, make_error_code(HttpErrc::bad_url));
}

// A one-route HTTPS server on its own thread, with the given certificate.
class TlsServer {
 public:
  explicit TlsServer(const testing::SelfSignedCert& cert) : tls_(asio::ssl::context::tls_server), acceptor_(ctx_) {
    tls_.use_certificate_chain(asio::buffer(cert.cert_pem));
    tls_.use_private_key(asio::buffer(cert.key_pem), asio::ssl::context::pem);
    asio::ip::tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(ep.protocol());
    acceptor_.bind(ep);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(ctx_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { ctx_.run(); });
  }
  ~TlsServer() {
    ctx_.stop();
    thread_.join();
  }
  std::uint16_t port() const { return port_; }
  int handshakes_ok() const { return ok_.load(); }

 private:
  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, sock] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
      asio::co_spawn(ctx_, serve(std::move(sock)), asio::detached);
    }
  }
  asio::awaitable<void> serve(asio::ip::tcp::socket sock) {
    namespace bhttp = boost::beast::http;
    boost::beast::ssl_stream<boost::beast::tcp_stream> s(boost::beast::tcp_stream(std::move(sock)), tls_);
    boost::beast::get_lowest_layer(s).expires_after(5s);
    auto [hec] = co_await s.async_handshake(asio::ssl::stream_base::server, asio::as_tuple(asio::use_awaitable));
    if (hec) co_return;  // the client refused our certificate
    ok_.fetch_add(1);
    boost::beast::flat_buffer buf;
    for (;;) {
      bhttp::request<bhttp::string_body> req;
      auto [rec, rn] = co_await bhttp::async_read(s, buf, req, asio::as_tuple(asio::use_awaitable));
      if (rec) co_return;
      bhttp::response<bhttp::string_body> res{bhttp::status::ok, 11};
      res.set(bhttp::field::content_type, "application/json");
      res.body() = "{\"tls\":true,\"host\":\"" + std::string(req[bhttp::field::host]) + "\"}";
      res.keep_alive(true);
      res.prepare_payload();
      auto [wec, wn] = co_await bhttp::async_write(s, res, asio::as_tuple(asio::use_awaitable));
      if (wec) co_return;
    }
  }

  asio::io_context ctx_;
  asio::ssl::context tls_;
  asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::atomic<int> ok_{0};
  std::thread thread_;
};

TEST(UpstreamClient, HttpsVerifiesTheServerCertificate) {
  auto cert = testing::make_self_signed_cert();
  TlsServer server(cert);
  asio::io_context ctx;
  UpstreamRequest get;
  get.method = boost::beast::http::verb::get;
  get.endpoint = "/models";
  const std::string url = "https://localhost:" + std::to_string(server.port()) + "/v1";

  // Without our CA: the handshake must fail verification.
  auto untrusting = make_client(ctx, url);
  run_async(ctx, [&]() -> asio::awaitable<void> {
    auto resp = co_await untrusting->send(get);
    EXPECT_FALSE(resp.has_value());
    if (!resp) {
      EXPECT_EQ(resp.error().code, make_error_code(HttpErrc::tls_failed)) << resp.error().message();
      EXPECT_NE(resp.error().message().find("certificate"), std::string::npos) << resp.error().message();
    }
  }(), 10s);
  EXPECT_EQ(server.handshakes_ok(), 0);

  // Trusting the test CA: verified, SNI + Host sent, keep-alive reused.
  auto trusting = make_client(ctx, url, [&](UpstreamOptions& o) { o.tls.ca_pem = cert.cert_pem; });
  run_async(ctx, [&]() -> asio::awaitable<void> {
    for (int i = 0; i < 2; ++i) {
      auto resp = co_await trusting->send(get);
      EXPECT_TRUE(resp.has_value()) << resp.error().message();
      if (!resp) co_return;
      EXPECT_EQ(resp->status, 200);
      EXPECT_EQ(resp->body, "{\"tls\":true,\"host\":\"localhost:" + std::to_string(server.port()) + "\"}");
    }
  }(), 10s);
  EXPECT_EQ(trusting->stats().connections_opened, 1u);

  // Trusted CA but a certificate for another name: host name verification fails.
  auto other = testing::make_self_signed_cert("DNS:other.example", "other.example");
  TlsServer other_server(other);
  auto wrong_name = make_client(ctx, "https://localhost:" + std::to_string(other_server.port()) + "/v1",
                                [&](UpstreamOptions& o) { o.tls.ca_pem = other.cert_pem; });
  run_async(ctx, [&]() -> asio::awaitable<void> {
    auto resp = co_await wrong_name->send(get);
    EXPECT_FALSE(resp.has_value());
    if (!resp) { EXPECT_EQ(resp.error().code, make_error_code(HttpErrc::tls_failed)) << resp.error().message(); }
  }(), 10s);
  EXPECT_EQ(other_server.handshakes_ok(), 0);
}

}  // namespace
}  // namespace ragcache::http
