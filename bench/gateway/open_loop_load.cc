// open_loop_load: a constant-rate (open-loop) HTTP load generator that checks every answer.
//
// wrk (Debian's) is closed-loop: each connection sends its next request when the last one is
// answered, so a slow answer delays the requests behind it and they are never timed ("coordinated
// omission"); its percentiles then say little about latency at a given load. Here request i is
// due at start + i / rate whatever happened before it, and its latency runs from that due time to
// the end of its answer, so queueing behind a slow answer counts (as in wrk2). Requests are spread
// over a fixed set of keep-alive connections: connection c sends requests c, c + C, c + 2C...
// (C connections), one in flight each; at 5,000 req/s and 32 connections each connection has
// 6.4 ms per request.
//
// Every answer is checked: HTTP status, one header's value (e.g. X-Cache: HIT) and the content
// of choices[0].message.content of a chat completion. Any failed check, transport error or
// request left unsent makes the exit status 1 with a message that says what went wrong; a run
// whose numbers stand prints one JSON line:
//   {"name":..,"rate":..,"requests":..,"achieved_rate":..,"p50_ms":..,"p90_ms":..,"p99_ms":..,
//    "p999_ms":..,"max_ms":..,"send_lag_p99_ms":..,"errors":0}
// send_lag is how late the generator itself sent (its own scheduling delay, part of the latency).
//
//   open_loop_load --url http://127.0.0.1:8080/v1/chat/completions --rate 2000 --seconds 10
//       [--warmup 2] [--connections 32] [--method POST] [--body JSON] [--header "K: V"]...
//       [--expect-status 200] [--expect-header "X-Cache: HIT"] [--expect-content TEXT] [--name NAME]
#include <sys/prctl.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/url/parse.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Clock = std::chrono::steady_clock;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

struct Options {
  std::string url;
  std::string name = "load";
  double rate = 1000;
  double seconds = 10;
  double warmup = 2;
  int connections = 32;
  std::string method = "GET";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  unsigned expect_status = 200;
  std::optional<std::pair<std::string, std::string>> expect_header;
  std::optional<std::string> expect_content;
};

// What the run saw: latencies of the measured requests, and every failure by kind.
struct Tally {
  std::vector<double> latency_us;
  std::vector<double> send_lag_us;
  std::map<std::string, long> errors;  // kind -> count
  std::string first_error;
  long answered = 0;  // measured requests answered (checked or not)
  long unsent = 0;    // measured requests never sent (a connection failed)

  void fail(const std::string& kind, const std::string& detail) {
    if (errors[kind]++ == 0 && first_error.empty()) first_error = kind + ": " + detail;
  }
};

std::optional<std::pair<std::string, std::string>> split_header(const std::string& text) {
  auto colon = text.find(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  auto value = text.substr(colon + 1);
  value.erase(0, value.find_first_not_of(' '));
  return std::make_pair(text.substr(0, colon), value);
}

// choices[0].message.content of a chat completion, or nothing.
std::optional<std::string> chat_content(const std::string& body) {
  boost::system::error_code ec;
  auto doc = boost::json::parse(body, ec);
  if (ec || !doc.is_object()) return std::nullopt;
  const auto* choices = doc.as_object().if_contains("choices");
  if (!choices || !choices->is_array() || choices->as_array().empty()) return std::nullopt;
  const auto& first = choices->as_array()[0];
  const auto* message = first.is_object() ? first.as_object().if_contains("message") : nullptr;
  const auto* content = message && message->is_object() ? message->as_object().if_contains("content") : nullptr;
  if (!content || !content->is_string()) return std::nullopt;
  return std::string(content->as_string());
}

void check(const Options& o, const http::response<http::string_body>& res, Tally& t) {
  if (res.result_int() != o.expect_status) {
    t.fail("status", "HTTP " + std::to_string(res.result_int()) + ", expected " + std::to_string(o.expect_status) +
                         ": " + res.body().substr(0, 200));
    return;
  }
  if (o.expect_header) {
    auto it = res.find(o.expect_header->first);
    std::string got = it == res.end() ? "(absent)" : std::string(it->value());
    if (got != o.expect_header->second) {
      t.fail("header", o.expect_header->first + ": " + got + ", expected " + o.expect_header->second);
      return;
    }
  }
  if (o.expect_content) {
    auto content = chat_content(res.body());
    if (!content || *content != *o.expect_content) {
      t.fail("content", "answer " + (content ? "'" + content->substr(0, 120) + "'" : "unreadable: " + res.body().substr(0, 200)) +
                            ", expected '" + o.expect_content->substr(0, 120) + "'");
    }
  }
}

double us_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::micro>(b - a).count();
}

// One keep-alive connection: sends requests index, index + step, ... each at its due time.
asio::awaitable<void> connection(const Options& o, tcp::endpoint endpoint, const http::request<http::string_body>& req,
                                 int index, Clock::time_point start, Clock::time_point measure_from,
                                 Clock::time_point end, Tally& t) {
  auto ex = co_await asio::this_coro::executor;
  const auto interval = std::chrono::duration<double>(1.0 / o.rate);
  tcp::socket socket(ex);
  auto [cerr] = co_await socket.async_connect(endpoint, kTuple);
  if (!cerr) socket.set_option(tcp::no_delay(true), cerr);
  beast::flat_buffer buffer;
  asio::steady_timer timer(ex);
  for (long i = index;; i += o.connections) {
    const auto due = start + std::chrono::duration_cast<Clock::duration>(interval * static_cast<double>(i));
    if (due >= end) break;
    const bool measured = due >= measure_from;
    if (cerr) {  // the connection is gone: every request it still had is a failure
      if (measured) {
        ++t.unsent;
        t.fail("io", cerr.message());
      }
      continue;
    }
    if (Clock::now() < due) {
      timer.expires_at(due);
      co_await timer.async_wait(kTuple);
    }
    const auto sent = Clock::now();
    auto [werr, wn] = co_await http::async_write(socket, req, kTuple);
    http::response<http::string_body> res;
    boost::system::error_code rerr = werr;
    if (!rerr) std::tie(rerr, std::ignore) = co_await http::async_read(socket, buffer, res, kTuple);
    const auto done = Clock::now();
    if (rerr) {
      cerr = rerr;
      if (measured) t.fail("io", rerr.message());
      continue;
    }
    if (!measured) continue;
    ++t.answered;
    t.latency_us.push_back(us_between(due, done));
    t.send_lag_us.push_back(us_between(due, sent));
    check(o, res, t);
  }
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto i = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size()));
  return v[std::min(i, v.size() - 1)];
}

int report(const Options& o, Tally& t) {
  const long expected = static_cast<long>(o.rate * o.seconds);
  // The schedule makes exactly `expected` measured requests (give or take rounding at the edges).
  if (t.answered + t.unsent < expected - 1) t.fail("schedule", std::to_string(t.answered + t.unsent) + " of " +
                                                                  std::to_string(expected) + " requests due");
  long errors = 0;
  for (const auto& [kind, n] : t.errors) errors += n;
  if (errors > 0) {
    std::string kinds;
    for (const auto& [kind, n] : t.errors) kinds += (kinds.empty() ? "" : ", ") + kind + " " + std::to_string(n);
    std::fprintf(stderr, "FAILED %s: %ld of %ld requests failed their checks (%s); first: %s\n", o.name.c_str(), errors,
                 expected, kinds.c_str(), t.first_error.c_str());
    return 1;
  }
  std::printf("{\"name\":\"%s\",\"rate\":%.0f,\"connections\":%d,\"seconds\":%.1f,\"requests\":%ld,"
              "\"achieved_rate\":%.1f,\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,"
              "\"max_ms\":%.3f,\"send_lag_p99_ms\":%.3f,\"errors\":0}\n",
              o.name.c_str(), o.rate, o.connections, o.seconds, t.answered, t.answered / o.seconds,
              percentile(t.latency_us, 50) / 1000, percentile(t.latency_us, 90) / 1000,
              percentile(t.latency_us, 99) / 1000, percentile(t.latency_us, 99.9) / 1000,
              percentile(t.latency_us, 100) / 1000, percentile(t.send_lag_us, 99) / 1000);
  return 0;
}

std::optional<Options> parse_args(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--url") o.url = v;
    else if (k == "--name") o.name = v;
    else if (k == "--rate") o.rate = std::atof(v.c_str());
    else if (k == "--seconds") o.seconds = std::atof(v.c_str());
    else if (k == "--warmup") o.warmup = std::atof(v.c_str());
    else if (k == "--connections") o.connections = std::atoi(v.c_str());
    else if (k == "--method") o.method = v;
    else if (k == "--body") o.body = v;
    else if (k == "--expect-status") o.expect_status = static_cast<unsigned>(std::atoi(v.c_str()));
    else if (k == "--expect-content") o.expect_content = v;
    else if (k == "--header" || k == "--expect-header") {
      auto h = split_header(v);
      if (!h) {
        std::fprintf(stderr, "%s: expected 'Name: value', got '%s'\n", k.c_str(), v.c_str());
        return std::nullopt;
      }
      if (k == "--header") o.headers.push_back(*h);
      else o.expect_header = *h;
    } else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return std::nullopt;
    }
  }
  if (o.url.empty() || o.rate <= 0 || o.seconds <= 0 || o.warmup < 0 || o.connections < 1) {
    std::fprintf(stderr, "usage: open_loop_load --url http://HOST:PORT/PATH --rate N --seconds S [options] "
                         "(see the top of bench/gateway/open_loop_load.cc)\n");
    return std::nullopt;
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  auto options = parse_args(argc, argv);
  if (!options) return 2;
  const Options& o = *options;
  auto url = boost::urls::parse_uri(o.url);
  if (!url || url->scheme() != "http" || !url->has_port()) {
    std::fprintf(stderr, "--url: expected http://HOST:PORT/PATH, got '%s'\n", o.url.c_str());
    return 2;
  }
  // Timers fire within ~1 us instead of the default 50 us slack: the generator's own lateness
  // counts in every latency it reports.
  prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);

  asio::io_context io(1);
  boost::system::error_code ec;
  auto address = asio::ip::make_address(std::string(url->host()), ec);
  if (ec) {
    std::fprintf(stderr, "--url: the host must be an IP address (%s)\n", std::string(url->host()).c_str());
    return 2;
  }
  const tcp::endpoint endpoint(address, url->port_number());
  http::request<http::string_body> req{http::string_to_verb(o.method), std::string(url->encoded_target()), 11};
  req.set(http::field::host, std::string(url->encoded_host_and_port()));
  req.keep_alive(true);
  for (const auto& [k, v] : o.headers) req.set(k, v);
  if (!o.body.empty()) {
    if (req.find(http::field::content_type) == req.end()) req.set(http::field::content_type, "application/json");
    req.body() = o.body;
  }
  req.prepare_payload();

  Tally tally;
  tally.latency_us.reserve(static_cast<std::size_t>(o.rate * o.seconds) + 16);
  tally.send_lag_us.reserve(tally.latency_us.capacity());
  const auto start = Clock::now() + std::chrono::milliseconds(100);  // connections open first
  const auto measure_from = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.warmup));
  const auto end = measure_from + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
  for (int c = 0; c < o.connections; ++c) {
    asio::co_spawn(io, connection(o, endpoint, req, c, start, measure_from, end, tally), asio::detached);
  }
  io.run();
  return report(o, tally);
}
