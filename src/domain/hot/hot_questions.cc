#include "domain/hot/hot_questions.h"

#include <boost/json.hpp>
#include <charconv>
#include <cmath>

#include "base/random.h"
#include "redis/errors.h"
#include "ragcache/embedded_domain_hot_lua.h"

namespace ragcache::hot {
namespace {

const redis::Script& record_script() {
  static const redis::Script script("hot_record", embedded::domain_hot_lua_hot_record);
  return script;
}

const redis::Script& top_script() {
  static const redis::Script script("hot_top", embedded::domain_hot_lua_hot_top);
  return script;
}

Error bad(std::string what) { return Error(ragcache::Errc::invalid_argument, std::move(what)); }

std::optional<std::int64_t> parse_int(std::string_view s) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::int64_t hour_index(std::chrono::system_clock::time_point t) {
  return std::chrono::floor<std::chrono::hours>(t.time_since_epoch()).count();
}

std::string hot_bucket_key(std::string_view prefix, std::string_view ns, std::int64_t hour) {
  std::string key(prefix);
  key += '{';
  key += ns;
  key += "}:";
  key += std::to_string(hour);
  return key;
}

std::vector<std::string> hot_bucket_keys(std::string_view prefix, std::string_view ns, std::int64_t last,
                                         std::chrono::hours window) {
  std::vector<std::string> keys;
  for (std::int64_t i = 0; i < window.count(); ++i) keys.push_back(hot_bucket_key(prefix, ns, last - i));
  return keys;
}

Result<void> validate_namespace(std::string_view ns) {
  if (ns.empty()) return bad("empty namespace");
  if (ns.size() > 128) return bad("namespace longer than 128 bytes");
  for (unsigned char c : ns) {
    if (c == '{' || c == '}') return bad("namespace contains a brace");
    if (c < 0x20 || c == 0x7f) return bad("namespace contains a control character");
  }
  return {};
}

Result<std::chrono::hours> parse_window(std::string_view text) {
  if (text.empty()) return bad("empty window");
  std::int64_t seconds_per_unit = 3600;
  std::string_view digits = text;
  switch (text.back()) {
    case 's': seconds_per_unit = 1; digits.remove_suffix(1); break;
    case 'm': seconds_per_unit = 60; digits.remove_suffix(1); break;
    case 'h': seconds_per_unit = 3600; digits.remove_suffix(1); break;
    case 'd': seconds_per_unit = 86400; digits.remove_suffix(1); break;
    default: break;
  }
  auto n = parse_int(digits);
  if (!n || *n <= 0) return bad("window must be a positive number with unit s, m, h or d (e.g. 24h): " + std::string(text));
  if (*n > 100LL * 365 * 86400) return bad("window too long: " + std::string(text));
  const std::int64_t seconds = *n * seconds_per_unit;
  return std::chrono::hours((seconds + 3599) / 3600);
}

Result<HotQuery> parse_hot_query(std::optional<std::string_view> window, std::optional<std::string_view> k,
                                 const HotOptions& options) {
  HotQuery q;
  if (window) {
    auto w = parse_window(*window);
    if (!w) return w.error();
    if (*w > options.retention) {
      return bad("window longer than the retention of " + std::to_string(options.retention.count()) + "h");
    }
    q.window = *w;
  }
  if (k) {
    auto n = parse_int(*k);
    if (!n || *n <= 0) return bad("k must be a positive integer");
    if (static_cast<std::uint64_t>(*n) > options.max_k) return bad("k must be at most " + std::to_string(options.max_k));
    q.k = static_cast<std::size_t>(*n);
  }
  return q;
}

boost::json::value hot_to_json(const std::vector<HotQuestion>& questions) {
  boost::json::array arr;
  for (const auto& q : questions) arr.push_back(boost::json::object{{"question", q.question}, {"count", q.count}});
  return boost::json::object{{"questions", std::move(arr)}};
}

HotQuestions::HotQuestions(redis::Client& cache, HotOptions options) : cache_(cache), options_(std::move(options)) {}

boost::asio::awaitable<Result<bool>> HotQuestions::record(std::string_view ns, std::string_view question,
                                                          Clock::time_point at, std::int64_t times) {
  // Result<bool> cannot be built from an Error implicitly (Error converts to bool).
  using R = Result<bool>;
  if (auto v = validate_namespace(ns); !v) co_return R(boost::system::in_place_error, v.error());
  if (times <= 0) co_return R(boost::system::in_place_error, bad("times must be positive"));
  std::string normalized = normalize_question(question, options_.max_question_bytes);
  if (normalized.empty()) co_return R(boost::system::in_place_value, false);
  const auto ttl = std::chrono::duration_cast<std::chrono::milliseconds>(options_.retention + std::chrono::hours(1));
  std::vector<std::string> keys{hot_bucket_key(options_.key_prefix, ns, hour_index(at))};
  std::vector<std::string> args{normalized, std::to_string(times), std::to_string(ttl.count()),
                                std::to_string(options_.max_members_per_hour)};
  auto reply = co_await cache_.eval(record_script(), std::move(keys), std::move(args));
  if (!reply) co_return R(boost::system::in_place_error, reply.error());
  co_return R(boost::system::in_place_value, true);
}

boost::asio::awaitable<Result<std::vector<HotQuestion>>> HotQuestions::top(std::string_view ns, std::chrono::hours window,
                                                                           std::size_t k, Clock::time_point now) {
  if (auto v = validate_namespace(ns); !v) co_return v.error();
  if (window.count() <= 0 || window > options_.retention) co_return bad("window must be between 1h and the retention");
  if (k == 0 || k > options_.max_k) co_return bad("k must be between 1 and " + std::to_string(options_.max_k));
  std::vector<std::string> keys{options_.key_prefix + "{" + std::string(ns) + "}:scratch:" + random_token()};
  for (auto& key : hot_bucket_keys(options_.key_prefix, ns, hour_index(now), window)) keys.push_back(std::move(key));
  std::vector<std::string> args{std::to_string(k)};
  auto reply = co_await cache_.eval(top_script(), std::move(keys), std::move(args));
  if (!reply) co_return reply.error();
  if (!reply->is_array() || reply->elements.size() % 2 != 0) co_return Error(redis::Errc::unexpected_reply, reply->debug_string());
  std::vector<HotQuestion> out;
  for (std::size_t i = 0; i + 1 < reply->elements.size(); i += 2) {
    auto q = reply->elements[i].as_string();
    auto score = reply->elements[i + 1].as_string();
    if (!q || !score) co_return Error(redis::Errc::unexpected_reply, reply->debug_string());
    // Scores come back as decimal text; counts are whole numbers.
    double count = 0;
    auto [p, ec] = std::from_chars(score->data(), score->data() + score->size(), count);
    if (ec != std::errc()) co_return Error(redis::Errc::unexpected_reply, reply->debug_string());
    out.push_back({std::string(*q), static_cast<std::int64_t>(std::llround(count))});
  }
  co_return out;
}

}  // namespace ragcache::hot
