// One HTTP request as handlers see it: the parsed Beast message plus what the router extracted
// (path parameters) and a few accessors so handlers need not touch Beast for common things.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"

namespace ragcache::http {

namespace bhttp = boost::beast::http;

// The body of a request whose route reads it as it arrives (Router::fallback with stream_body):
// pieces in order, nullopt once the body is complete. Errors: the client went away, a read
// timed out, or the body passed the server's streamed_body_limit (HttpErrc::body_too_large).
// Used from the handler's own coroutine; valid until the handler returns.
class BodyReader {
 public:
  virtual ~BodyReader() = default;
  virtual boost::asio::awaitable<Result<std::optional<std::string>>> next() = 0;
};

class Request {
 public:
  using Raw = bhttp::request<bhttp::string_body>;
  using Params = std::vector<std::pair<std::string, std::string>>;

  explicit Request(Raw raw, std::string remote_address = {});

  bhttp::verb method() const { return raw_.method(); }
  std::string_view method_string() const;
  std::string_view target() const;            // path and query, as sent
  std::string_view path() const;              // target without the query string
  // A query parameter, percent-decoded; nullopt if absent (or the target does not parse).
  std::optional<std::string> query(std::string_view name) const;
  // A header value; empty if absent (use has_header to tell absent from empty).
  std::string_view header(std::string_view name) const;
  bool has_header(std::string_view name) const;
  // The whole body; empty for a request whose body is streamed (see body_reader()).
  const std::string& body() const { return raw_.body(); }
  // The streamed body, or null when the body was read whole (body()).
  BodyReader* body_reader() const { return body_reader_; }
  void set_body_reader(BodyReader* reader) { body_reader_ = reader; }
  unsigned version() const { return raw_.version(); }

  // A path parameter named in the route pattern ({sid}), percent-decoded; empty if unknown.
  std::string_view param(std::string_view name) const;
  const Params& params() const { return params_; }
  void set_params(Params p) { params_ = std::move(p); }

  const std::string& remote_address() const { return remote_address_; }
  const Raw& raw() const { return raw_; }
  Raw& raw() { return raw_; }

 private:
  Raw raw_;
  Params params_;
  std::string remote_address_;
  BodyReader* body_reader_ = nullptr;
};

}  // namespace ragcache::http
