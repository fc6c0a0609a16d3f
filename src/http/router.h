// Maps (method, path) to a handler. Patterns are literal segments and {name} parameters:
//   router.add(verb::get, "/v1/ragcache/sessions/{sid}", handler);
// A parameter matches exactly one non-empty segment and is percent-decoded. Routes are tried in
// the order they were added; the first match wins. A path that matches with another method only
// is reported as such (the server answers 405 with an Allow header instead of 404).
//
// Matching is a pure function (no I/O), unit-tested on its own. The router is filled before the
// server starts and only read afterwards, so it needs no lock.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/verb.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.h"
#include "http/response_writer.h"

namespace ragcache::http {

// A handler answers through the writer (whole response or stream). An exception escaping a
// handler becomes a 500 with an OpenAI-style error body (or aborts a stream already started).
using Handler = std::function<boost::asio::awaitable<void>(Request&, ResponseWriter&)>;

class Router {
 public:
  // Throws std::invalid_argument for a malformed pattern (must start with '/', {} non-empty).
  void add(bhttp::verb method, std::string_view pattern, Handler handler);
  void get(std::string_view pattern, Handler h) { add(bhttp::verb::get, pattern, std::move(h)); }
  void post(std::string_view pattern, Handler h) { add(bhttp::verb::post, pattern, std::move(h)); }
  void put(std::string_view pattern, Handler h) { add(bhttp::verb::put, pattern, std::move(h)); }
  void del(std::string_view pattern, Handler h) { add(bhttp::verb::delete_, pattern, std::move(h)); }

  // Requests whose path starts with `prefix` (and with none of `excluded`) that no route takes
  // for their method go to `handler` (before any 405): e.g. the gateway's pass-through of every
  // /v1/ path it does not handle itself.
  // stream_body: the handler reads the body as it arrives (Request::body_reader) instead of
  // the server buffering it whole first (large uploads passed through).
  void fallback(std::string prefix, std::vector<std::string> excluded, Handler handler, bool stream_body = false);

  struct Match {
    const Handler* handler = nullptr;  // null: no route for this method and path
    Request::Params params;
    std::string allow;  // when handler is null but the path exists: "GET, POST"
    bool stream_body = false;  // the handler reads the body itself (Request::body_reader)
  };
  Match match(bhttp::verb method, std::string_view path) const;

 private:
  struct Segment {
    std::string text;
    bool is_param = false;
  };
  struct Route {
    bhttp::verb method;
    std::string pattern;
    std::vector<Segment> segments;
    Handler handler;
  };
  static bool match_segments(const Route& r, const std::vector<std::string_view>& parts, Request::Params* params);

  struct Fallback {
    std::string prefix;
    std::vector<std::string> excluded;
    Handler handler;
    bool stream_body = false;
  };
  std::vector<Route> routes_;
  std::vector<Fallback> fallbacks_;
};

// Splits a path on '/' (the leading '/' removed; "/" is one empty segment).
std::vector<std::string_view> split_path(std::string_view path);
// Percent-decoding of one path segment; nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view s);

}  // namespace ragcache::http
