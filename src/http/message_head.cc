#include "http/message_head.h"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/status.hpp>
#include <charconv>

namespace ragcache::http {

namespace bhttp = boost::beast::http;

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && boost::beast::iequals(boost::core::string_view(a.data(), a.size()), boost::core::string_view(b.data(), b.size()));
}

bool splits_header(std::string_view s) {
  for (char c : s) {
    if (c == '\r' || c == '\n') return true;
  }
  return false;
}

void append_field(std::string& out, std::string_view name, std::string_view value) {
  if (splits_header(name) || splits_header(value)) return;
  out += name;
  out += ": ";
  out += value;
  out += "\r\n";
}

void append_number(std::string& out, std::size_t n) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, end);
}

// The fields of both lists in order (first, then second), each unless a later one of the same
// name replaces it.
template <class First, class Second>
void append_fields(std::string& out, const First& first, const Second& second) {
  auto replaced_in = [](const auto& list, std::size_t from, std::string_view name) {
    for (std::size_t j = from; j < list.size(); ++j) {
      if (iequals(list[j].first, name)) return true;
    }
    return false;
  };
  for (std::size_t i = 0; i < first.size(); ++i) {
    if (!replaced_in(first, i + 1, first[i].first) && !replaced_in(second, 0, first[i].first)) {
      append_field(out, first[i].first, first[i].second);
    }
  }
  for (std::size_t i = 0; i < second.size(); ++i) {
    if (!replaced_in(second, i + 1, second[i].first)) append_field(out, second[i].first, second[i].second);
  }
}

}  // namespace

void append_response_head(std::string& out, const ResponseHead& head) {
  out += head.version >= 11 ? "HTTP/1.1 " : "HTTP/1.0 ";
  append_number(out, static_cast<std::size_t>(head.status));
  out += ' ';
  auto reason = bhttp::obsolete_reason(static_cast<bhttp::status>(head.status));
  out.append(reason.data(), reason.size());
  out += "\r\n";
  const Headers empty;
  const HeaderField content_type[] = {{"Content-Type", head.content_type}};
  // A response without a type (e.g. a 204 passed through) gets no Content-Type line.
  append_fields(out, std::span<const HeaderField>(content_type, head.content_type.empty() ? 0 : 1),
                head.extra ? *head.extra : empty);
  // Connection, as Beast's keep_alive(): 1.1 says "close" when not kept, 1.0 "keep-alive" when kept.
  if (head.version >= 11 && !head.keep_alive) out += "Connection: close\r\n";
  if (head.version < 11 && head.keep_alive) out += "Connection: keep-alive\r\n";
  switch (head.framing) {
    case BodyFraming::content_length:
      out += "Content-Length: ";
      append_number(out, head.body_size);
      out += "\r\n";
      break;
    case BodyFraming::chunked: out += "Transfer-Encoding: chunked\r\n"; break;
    case BodyFraming::until_close: break;
  }
  out += "\r\n";
}

namespace {

void append_request_line_and_fields(std::string& out, bhttp::verb method, std::string_view target,
                                    std::span<const HeaderField> fields) {
  auto name = bhttp::to_string(method);
  out.append(name.data(), name.size());
  out += ' ';
  out += target;
  out += " HTTP/1.1\r\n";
  append_fields(out, fields, std::span<const HeaderField>());
}

}  // namespace

void append_chunked_request_head(std::string& out, bhttp::verb method, std::string_view target,
                                 std::span<const HeaderField> fields) {
  append_request_line_and_fields(out, method, target, fields);
  out += "Transfer-Encoding: chunked\r\n\r\n";
}

void append_request_head(std::string& out, bhttp::verb method, std::string_view target,
                         std::span<const HeaderField> fields, std::size_t body_size) {
  append_request_line_and_fields(out, method, target, fields);
  if (body_size > 0 || method == bhttp::verb::post || method == bhttp::verb::put || method == bhttp::verb::options) {
    out += "Content-Length: ";
    append_number(out, body_size);
    out += "\r\n";
  }
  out += "\r\n";
}

std::string_view chunk_size_line(std::size_t size, char (&buf)[24]) {
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf - 2, size, 16);
  *end++ = '\r';
  *end++ = '\n';
  return {buf, static_cast<std::size_t>(end - buf)};
}

}  // namespace ragcache::http
