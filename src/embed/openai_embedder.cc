#include "embed/openai_embedder.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "openai/embeddings_wire.h"

namespace ragcache::embed {

namespace asio = boost::asio;

Result<std::unique_ptr<OpenAiEmbedder>> OpenAiEmbedder::create(EmbeddingTransport& transport,
                                                               OpenAiEmbedderOptions options) {
  if (options.model.empty()) return Error(Errc::invalid_argument, "embedder: a model name is required");
  if (options.max_batch == 0 || options.max_batch > 2048) {
    return Error(Errc::invalid_argument, "embedder: max_batch must be within 1..2048");
  }
  if (options.max_attempts < 1) return Error(Errc::invalid_argument, "embedder: max_attempts must be >= 1");
  return std::unique_ptr<OpenAiEmbedder>(new OpenAiEmbedder(transport, std::move(options)));
}

OpenAiEmbedder::OpenAiEmbedder(EmbeddingTransport& transport, OpenAiEmbedderOptions options)
    : transport_(transport), options_(std::move(options)), dimension_(options_.dimensions) {
  // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) about `"..." + std::string`.
  model_id_ = "openai:";
  model_id_ += options_.model;
  if (options_.dimensions) model_id_.append(":").append(std::to_string(options_.dimensions));
}

asio::awaitable<Result<std::vector<Vector>>> OpenAiEmbedder::embed(std::span<const std::string> texts) {
  for (const auto& t : texts) {
    if (t.empty()) co_return Error(Errc::invalid_argument, "embedder: cannot embed an empty text");
  }
  std::vector<Vector> out;
  out.reserve(texts.size());
  for (std::size_t begin = 0; begin < texts.size(); begin += options_.max_batch) {
    auto batch = texts.subspan(begin, std::min(options_.max_batch, texts.size() - begin));
    auto vectors = co_await embed_batch(batch);
    if (!vectors) co_return vectors.error();
    for (auto& v : *vectors) out.push_back(std::move(v));
  }
  co_return out;
}

asio::awaitable<Result<std::vector<Vector>>> OpenAiEmbedder::embed_batch(std::span<const std::string> texts) {
  std::optional<std::size_t> dims;
  if (options_.dimensions) dims = options_.dimensions;
  TransportRequest request;
  request.path = options_.path;
  request.body = openai::build_embedding_request(options_.model, texts, dims);
  if (!options_.api_key.empty()) request.headers.emplace_back("Authorization", "Bearer " + options_.api_key);

  Error last(Errc::unavailable, "embedder: no attempt made");
  auto wait = options_.backoff;
  for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    if (attempt > 1) {
      stats_.retries.fetch_add(1, std::memory_order_relaxed);
      asio::steady_timer timer(co_await asio::this_coro::executor, wait);
      co_await timer.async_wait(asio::use_awaitable);
      wait *= 2;
    }
    stats_.calls.fetch_add(1, std::memory_order_relaxed);
    TransportRequest copy = request;
    auto response = co_await transport_.post(std::move(copy));
    if (!response) {
      last = Error(response.error().code == Errc::timeout ? Errc::timeout : Errc::unavailable,
                   "embeddings endpoint: " + response.error().message());
      continue;
    }
    if (response->status == 429 || response->status >= 500) {
      last = Error(Errc::unavailable, openai::upstream_error_message(response->status, response->body));
      continue;
    }
    if (response->status < 200 || response->status >= 300) {
      stats_.failures.fetch_add(1, std::memory_order_relaxed);
      co_return Error(Errc::unavailable, openai::upstream_error_message(response->status, response->body));
    }
    auto parsed = openai::parse_embedding_response(response->body, texts.size());
    if (!parsed) {
      stats_.failures.fetch_add(1, std::memory_order_relaxed);
      co_return parsed.error();
    }
    const std::size_t got = parsed->vectors.front().size();
    std::size_t expected = 0;
    if (!dimension_.compare_exchange_strong(expected, got) && expected != got) {
      stats_.failures.fetch_add(1, std::memory_order_relaxed);
      co_return Error(Errc::invalid_argument, "embeddings endpoint returned " + std::to_string(got) +
                                                  " dimensions, expected " + std::to_string(expected));
    }
    stats_.inputs.fetch_add(texts.size(), std::memory_order_relaxed);
    co_return std::move(parsed->vectors);
  }
  stats_.failures.fetch_add(1, std::memory_order_relaxed);
  co_return last;
}

asio::awaitable<Result<void>> OpenAiEmbedder::probe() {
  std::vector<std::string> one{"dimension probe"};
  auto r = co_await embed(one);
  if (!r) co_return r.error();
  co_return Result<void>();
}

}  // namespace ragcache::embed
