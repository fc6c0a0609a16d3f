// The embed layer's EmbeddingTransport over http::UpstreamClient: how OpenAiEmbedder reaches an
// embeddings endpoint. The client's own timeouts (connect, first byte, total) are the embedder's
// timeout; a timeout is reported as Errc::timeout so the embedder retries it.
#pragma once

#include <memory>

#include "embed/embedding_transport.h"
#include "http/upstream_client.h"

namespace ragcache::gateway {

class UpstreamEmbeddingTransport final : public embed::EmbeddingTransport {
 public:
  explicit UpstreamEmbeddingTransport(std::shared_ptr<http::UpstreamClient> client) : client_(std::move(client)) {}
  boost::asio::awaitable<Result<embed::TransportResponse>> post(embed::TransportRequest request) override;

 private:
  std::shared_ptr<http::UpstreamClient> client_;
};

}  // namespace ragcache::gateway
