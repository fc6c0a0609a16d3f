// EmbeddingTransport: the one thing OpenAiEmbedder needs from the network, "POST this JSON to
// that path and give me status + body". The embed layer stays free of HTTP libraries; src/http
// implements it over its upstream client (http/embedding_transport.h), tests with a fake.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>
#include <utility>
#include <vector>

#include "base/error.h"

namespace ragcache::embed {

struct TransportRequest {
  std::string path;  // relative to the endpoint's base URL, e.g. "/embeddings"
  std::string body;  // JSON
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. Authorization
};

struct TransportResponse {
  int status = 0;
  std::string body;
};

class EmbeddingTransport {
 public:
  virtual ~EmbeddingTransport() = default;
  // Any HTTP status is a result (the embedder decides what it means). Errors are transport
  // failures only: Errc::timeout when the transport's deadline passed, anything else when the
  // endpoint could not be reached or the exchange broke off. Both are worth a retry.
  virtual boost::asio::awaitable<Result<TransportResponse>> post(TransportRequest request) = 0;
};

}  // namespace ragcache::embed
