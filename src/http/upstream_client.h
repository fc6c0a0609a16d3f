// HTTP/1.1 client for one OpenAI-compatible upstream (chat completions, embeddings, models).
//
// One UpstreamClient per base URL (e.g. https://api.openai.com/v1); it owns a bounded pool of
// idle keep-alive connections to that host, shared by all io threads (a mutex guards the pool,
// never held across an await), and bounds how many connections are open at once. HTTPS verifies the server certificate (system CA store plus
// optional extra CAs) and its host name, and sends SNI.
//
// Two calls:
//   send(req)        -> the whole response (status, headers, body), any status;
//   open_stream(req) -> status and headers once they arrive, then next() hands over body bytes
//                       as they come off the socket (chunked or not), for relaying SSE live.
// A 4xx/5xx from the upstream is a normal result here (the caller passes status and body on);
// Errors (HttpErrc) are transport failures: bad URL, DNS, connect refused, TLS, timeouts.
//
// Timeouts: connect (DNS + TCP + TLS handshake), first byte (request sent -> response header),
// idle read (silence between body reads), and total (the whole exchange, streams included).
//
// Cancel-safety: cancelling the awaiting coroutine (e.g. the client of the gateway went away)
// aborts the socket operation in progress; the connection in use is then closed, never put
// back in the pool half-read. A connection returns to the pool only after a complete response
// on a keep-alive connection. A reused pooled connection that turns out closed by the server
// before any response byte is retried once on a fresh connection.
//
// The client must outlive the calls made on it; streams keep the pool alive by themselves.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"
#include "http/base_url.h"
#include "http/response.h"
#include "http/tls_context.h"

namespace ragcache::http {

struct UpstreamOptions {
  std::string base_url;  // http(s)://host[:port][/prefix], e.g. http://127.0.0.1:8081/v1
  std::string api_key = {};   // sent as "Authorization: Bearer <key>" when not empty
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds first_byte_timeout{60'000};
  std::chrono::milliseconds idle_read_timeout{60'000};
  std::chrono::milliseconds total_timeout{600'000};
  // At most this many connections open to the upstream at once (busy + idle); a request that
  // finds them all busy waits for one, up to connect_timeout (then HttpErrc::pool_exhausted).
  std::size_t max_connections = 256;
  // Idle pool bound. As high as the connection limit by default: a pool smaller than the
  // requests in flight closes connections that the next requests must open again (seen as
  // thousands of TIME_WAIT sockets and a new connect per request under 50 concurrent calls).
  std::size_t max_idle_connections = 256;
  std::chrono::milliseconds max_idle_time{30'000};  // pooled connections older than this are dropped
  std::size_t max_response_bytes = 64 * 1024 * 1024;  // send() only
  TlsOptions tls = {};
  Headers default_headers = {};  // added to every request
};

struct UpstreamRequest {
  boost::beast::http::verb method = boost::beast::http::verb::post;
  std::string endpoint;  // relative to the base URL: "/chat/completions"
  std::string body;
  std::string content_type = "application/json";
  Headers headers;  // extra headers for this request (override defaults)
  // Overrides UpstreamOptions::first_byte_timeout, e.g. for a non-stream completion, whose
  // first byte comes only once the whole answer is generated.
  std::optional<std::chrono::milliseconds> first_byte_timeout;
  // A body read piece by piece instead of `body` (a large upload passed through): each call
  // gives the next piece, nullopt at the end. Sent with Content-Length when body_size is known,
  // else chunked. Each piece must arrive within the idle read timeout. Such a request is never
  // retried on a fresh connection once its first piece was taken.
  std::function<boost::asio::awaitable<Result<std::optional<std::string>>>()> body_source;
  std::optional<std::size_t> body_size;
};

struct UpstreamResponse {
  int status = 0;
  Headers headers;
  std::string body;

  bool ok() const { return status >= 200 && status < 300; }
  std::string_view header(std::string_view name) const;  // case-insensitive; empty if absent
};

class UpstreamClient;

// A response whose body is read piece by piece. Move-only. Destroying it before the end closes
// the connection (it cannot be reused half-read).
class UpstreamStream {
 public:
  struct Impl;
  explicit UpstreamStream(std::unique_ptr<Impl> impl);
  UpstreamStream(UpstreamStream&&) noexcept;
  UpstreamStream& operator=(UpstreamStream&&) noexcept;
  ~UpstreamStream();

  int status() const;
  const Headers& headers() const;
  std::string_view header(std::string_view name) const;

  // The next piece of the body, as soon as it arrived; nullopt once the body is complete (the
  // connection then goes back to the pool). Errors: timeouts, connection lost mid-body.
  // Cancel-safe (see the top of this file).
  boost::asio::awaitable<Result<std::optional<std::string>>> next();
  // Reads the rest of the body (at most max_bytes; HttpErrc::body_too_large beyond).
  boost::asio::awaitable<Result<std::string>> read_all(std::size_t max_bytes = 16 * 1024 * 1024);

  // For a caller that has all it needs before the body ended (e.g. SSE "data: [DONE]" seen while
  // the terminating chunk is still in flight): reads and drops the rest in the background so the
  // connection goes back to the pool instead of being closed (closed anyway past max_bytes, on
  // any error, or when the upstream does not end the body within its idle-read timeout).
  // Destroying a stream before its end would cost the next request a new connection.
  static void discard_rest(UpstreamStream stream, std::size_t max_bytes = 64 * 1024);

 private:
  std::unique_ptr<Impl> impl_;
};

class UpstreamClient {
 public:
  // Fails on a bad base URL or TLS set-up problem.
  static Result<std::shared_ptr<UpstreamClient>> create(boost::asio::any_io_executor executor, UpstreamOptions options);
  ~UpstreamClient();

  boost::asio::awaitable<Result<UpstreamResponse>> send(UpstreamRequest request);
  boost::asio::awaitable<Result<UpstreamStream>> open_stream(UpstreamRequest request);

  const BaseUrl& base_url() const;
  const UpstreamOptions& options() const;

  struct Stats {
    std::uint64_t connections_opened = 0;
    std::uint64_t connections_reused = 0;
    std::uint64_t retries_on_stale = 0;
    std::size_t idle_connections = 0;
  };
  Stats stats() const;

  struct Shared;

 private:
  explicit UpstreamClient(std::shared_ptr<Shared> shared);
  std::shared_ptr<Shared> shared_;
};

}  // namespace ragcache::http
