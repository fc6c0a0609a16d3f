// The bytes of a message's start line and header block, formatted directly into one string:
// responses of the server, requests of the upstream client.
//
// Why not Beast's serializer: on a cache hit, writing the response through
// http::async_write(stream, message) cost about a third of the gateway's instructions per request
// (a field map allocated per message, buffers_cat/buffers_prefix iterators, a composed operation
// per write). These formatters produce the header block Beast's serializer produces for the same
// messages (message_head_test.cc compares the two), and the writers send head and body in one
// gather write. Incoming messages are still parsed by Beast.
#pragma once

#include <boost/beast/http/verb.hpp>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "http/response.h"

namespace ragcache::http {

// How the end of the body is known.
enum class BodyFraming {
  content_length,  // Content-Length: body_size (always, as Beast's prepare_payload)
  chunked,         // Transfer-Encoding: chunked
  until_close,     // neither (HTTP/1.0 streams: the body ends when the connection does)
};

struct ResponseHead {
  unsigned version = 11;  // 10 or 11
  int status = 200;
  std::string_view content_type;
  const Headers* extra = nullptr;  // after Content-Type; a later header replaces an earlier one
  bool keep_alive = true;
  BodyFraming framing = BodyFraming::content_length;
  std::size_t body_size = 0;
};

// Appends the status line, the header fields and the blank line to `out`. Header names or values
// holding CR or LF are left out (they would split the header block).
void append_response_head(std::string& out, const ResponseHead& head);

using HeaderField = std::pair<std::string_view, std::string_view>;

// An HTTP/1.1 keep-alive request: "<METHOD> <target> HTTP/1.1", the fields (a later field
// replaces an earlier one of the same name, as Beast's set()), then Content-Length as Beast's
// prepare_payload sets it (when the body is not empty, or for POST/PUT/OPTIONS).
void append_request_head(std::string& out, boost::beast::http::verb method, std::string_view target,
                         std::span<const HeaderField> fields, std::size_t body_size);
// The same for a body of unknown size, sent in chunks: "Transfer-Encoding: chunked".
void append_chunked_request_head(std::string& out, boost::beast::http::verb method, std::string_view target,
                                 std::span<const HeaderField> fields);

// "<hex size>\r\n": the line before a chunk of `size` bytes.
std::string_view chunk_size_line(std::size_t size, char (&buf)[24]);

}  // namespace ragcache::http
