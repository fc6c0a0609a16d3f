#include "gateway/upstream_embedding_transport.h"

#include "http/errors.h"

namespace ragcache::gateway {

boost::asio::awaitable<Result<embed::TransportResponse>> UpstreamEmbeddingTransport::post(embed::TransportRequest request) {
  http::UpstreamRequest up;
  up.endpoint = std::move(request.path);
  up.body = std::move(request.body);
  for (auto& h : request.headers) up.headers.emplace_back(std::move(h.first), std::move(h.second));
  auto r = co_await client_->send(std::move(up));
  if (!r) {
    const auto& ec = r.error().code;
    const bool timed_out = ec == http::HttpErrc::connect_timeout || ec == http::HttpErrc::first_byte_timeout ||
                           ec == http::HttpErrc::read_timeout || ec == http::HttpErrc::total_timeout;
    if (timed_out) co_return Error(Errc::timeout, r.error().message());
    co_return r.error();
  }
  co_return embed::TransportResponse{r->status, std::move(r->body)};
}

}  // namespace ragcache::gateway
