// Multi-process tests: separate replica processes (testbin/cache_testbin.cc) against one
// redis-server, killed with SIGKILL or paused with SIGSTOP at the worst moment.
#include <signal.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <filesystem>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "base/hash.h"
#include "domain/cache/cache_itest_support.h"
#include "domain/cache/errors.h"
#include "domain/cache/lock_manager.h"
#include "domain/cache/single_flight.h"
#include "support/process.h"

namespace ragcache::cache {
namespace {

using namespace std::chrono_literals;
using itest::sleep_for;
namespace asio = boost::asio;
namespace fs = std::filesystem;

std::vector<std::string> read_lines(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::optional<std::string> find_line(const fs::path& path, const std::string& prefix) {
  for (auto& line : read_lines(path)) {
    if (line.rfind(prefix, 0) == 0) return line;
  }
  return std::nullopt;
}

// Waits (while the io_context keeps running) for a line starting with prefix, up to
// scaled(timeout).
asio::awaitable<std::optional<std::string>> wait_line(fs::path path, std::string prefix,
                                                      std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + testing::scaled(timeout);
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto line = find_line(path, prefix)) co_return line;
    co_await sleep_for(5ms);
  }
  co_return std::nullopt;
}

class MultiProcessTest : public itest::CacheServerTest {
 protected:
  void SetUp() override {
    CacheServerTest::SetUp();
    dir_ = fs::temp_directory_path() / ("ragcache-cache-itest-" + random_token().substr(0, 12));
    fs::create_directories(dir_);
    bin_ = testing::test_binary_dir() + "/cache_testbin";
    ASSERT_TRUE(fs::exists(bin_)) << bin_ << " not built";
  }
  void TearDown() override {
    CacheServerTest::TearDown();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  static std::string random_hash() { return sha256_hex(random_token()); }

  // Two replicas in this process (own client, cache and flight each) with these options.
  struct Replicas {
    std::vector<std::unique_ptr<redis::Client>> clients;
    std::vector<std::unique_ptr<ExactCache>> caches;
    std::vector<std::unique_ptr<SingleFlight>> flights;
  };
  Replicas two_replicas(const SingleFlightOptions& options) {
    Replicas r;
    for (int i = 0; i < 2; ++i) {
      r.clients.push_back(make_client());
      r.caches.push_back(std::make_unique<ExactCache>(*r.clients.back(), ExactCacheOptions{.key_prefix = prefix_}));
      r.flights.push_back(std::make_unique<SingleFlight>(*r.caches.back(), options));
    }
    return r;
  }

  // Lets the io_context run until every result is in (scaled 10 s at most).
  template <class... Results>
  static asio::awaitable<void> until_all(const Results&... results) {
    co_await testing::eventually([&] {
      bool all = true;
      auto check = [&all](const auto& rs) {
        for (const auto& r : rs) all = all && r.has_value();
      };
      (check(results), ...);
      return all;
    }, 10s);
  }

  fs::path dir_;
  std::string bin_;
};

// A leader process killed mid-compute: exactly one follower takes over, and with the production
// defaults (lease 2 s renewed every 2/3 s, followers re-check every 0.5 s) it starts within 3 s
// of the leader's death; all 50 followers, on two replicas of another process, get its answer.
TEST_P(MultiProcessTest, KilledLeaderIsReplacedWithinThreeSecondsByExactlyOneFollower) {
  const auto hash = random_hash();
  const CacheKey key{"", hash, "canonical-" + hash};
  const SingleFlightOptions defaults;
  const auto log = dir_ / "default-leader.log";
  testing::Process leader({bin_, "leader", redis_->url(), prefix_, hash, std::to_string(defaults.lease.count()), "60000"},
                          log.string());
  auto replicas = two_replicas(defaults);
  auto& flights = replicas.flights;
  std::atomic<int> computes{0};
  std::optional<std::chrono::steady_clock::time_point> takeover_at;
  const auto takeover_compute = 500ms;
  const int n = 50;
  std::vector<std::optional<Result<FlightResult>>> results(n);
  std::vector<std::chrono::steady_clock::time_point> finished_at(n);
  std::chrono::steady_clock::time_point killed_at;
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto computing = co_await wait_line(log, "COMPUTING", 10s);
    EXPECT_TRUE(computing) << "the helper never became leader";
    if (!computing) co_return;
    auto ex = co_await asio::this_coro::executor;
    for (int i = 0; i < n; ++i) {
      asio::co_spawn(ex, [&, i]() -> asio::awaitable<void> {
        results[i] = co_await flights[i % 2]->get_or_compute(key, [&]() -> asio::awaitable<Result<ComputeOutput>> {
          if (++computes == 1) takeover_at = std::chrono::steady_clock::now();
          co_await sleep_for(takeover_compute);
          co_return ComputeOutput{"from-takeover"};
        });
        finished_at[i] = std::chrono::steady_clock::now();
      }, asio::detached);
    }
    co_await sleep_for(testing::scaled(300ms));  // all followers are reading the helper's flight
    killed_at = std::chrono::steady_clock::now();
    leader.stop(SIGKILL);
    co_await until_all(results);
  }(), 60s);
  EXPECT_FALSE(find_line(log, "RESULT")) << "the helper finished before it was killed";
  EXPECT_EQ(computes.load(), 1) << "helper + exactly one takeover = 2 computes at most";
  ASSERT_TRUE(takeover_at.has_value()) << "no follower took over";
  const auto takeover_ms = std::chrono::duration_cast<std::chrono::milliseconds>(*takeover_at - killed_at).count();
  RecordProperty("takeover_ms", static_cast<int>(takeover_ms));
  std::printf("takeover started %lld ms after the leader was killed\n", static_cast<long long>(takeover_ms));
  // The goal of issue #19: 3 s (the default lease + 1 s); a slower machine gets its time scale.
  EXPECT_LE(std::chrono::milliseconds(takeover_ms), defaults.lease + testing::scaled(1000ms));
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE(results[i].has_value()) << "waiter " << i << " left hanging";
    ASSERT_TRUE(results[i]->has_value()) << results[i]->error().message();
    EXPECT_EQ((*results[i])->value, "from-takeover");
    // No waiter hangs beyond the takeover's own compute (+ 1 s of slack, scaled).
    EXPECT_LE(finished_at[i] - *takeover_at, takeover_compute + testing::scaled(1000ms));
  }
}

TEST_P(MultiProcessTest, StreamingLeaderKilledRelayedCallersGetLeaderLostOthersGetTheTakeover) {
  const auto hash = random_hash();
  const CacheKey key{"", hash, "canonical-" + hash};
  const auto lease = testing::scaled(800ms);  // spans the helper's renewals: scaled
  const auto log = dir_ / "stream.log";
  testing::Process leader({bin_, "streamleader", redis_->url(), prefix_, hash, std::to_string(lease.count()), "3"},
                          log.string());
  auto replicas = two_replicas(SingleFlightOptions{.lease = lease, .wait_timeout = 20s, .recheck_interval = 150ms});
  auto& flights = replicas.flights;
  std::atomic<int> computes{0};
  const int n = 10;
  std::vector<std::optional<Result<StreamResult>>> streams(n);
  std::vector<std::vector<std::string>> chunks(n);
  std::vector<std::optional<Result<FlightResult>>> plain(n);
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto pushed = co_await wait_line(log, "PUSHED", 10s);
    EXPECT_TRUE(pushed);
    if (!pushed) co_return;
    auto ex = co_await asio::this_coro::executor;
    StreamCompute produce = [&computes](ChunkSink& sink) -> asio::awaitable<Result<void>> {
      ++computes;
      co_await sink.push("new-0");
      co_await sink.push("new-1");
      co_return Result<void>();
    };
    for (int i = 0; i < n; ++i) {
      asio::co_spawn(ex, [&, i]() -> asio::awaitable<void> {
        StreamHandlers h;
        h.on_chunk = [&, i](std::string_view c) -> asio::awaitable<void> { chunks[i].emplace_back(c); co_return; };
        streams[i] = co_await flights[i % 2]->get_or_compute_stream(key, produce, h);
      }, asio::detached);
    }
    co_await sleep_for(testing::scaled(300ms));  // the stream callers have relayed the dead leader's chunks
    for (int i = 0; i < n; ++i) {
      asio::co_spawn(ex, [&, i]() -> asio::awaitable<void> {
        plain[i] = co_await flights[i % 2]->get_or_compute(key, []() -> asio::awaitable<Result<ComputeOutput>> {
          co_return ComputeOutput{"non-stream compute"};
        });
      }, asio::detached);
    }
    co_await sleep_for(testing::scaled(50ms));
    leader.stop(SIGKILL);
    co_await until_all(streams, plain);
  }(), 60s);
  EXPECT_EQ(computes.load(), 1);
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE(streams[i].has_value()) << "stream caller " << i << " left hanging";
    ASSERT_FALSE(streams[i]->has_value());
    EXPECT_EQ(streams[i]->error().code, Errc::leader_lost);
    EXPECT_EQ(chunks[i], (std::vector<std::string>{"old-0", "old-1", "old-2"}));
    ASSERT_TRUE(plain[i].has_value()) << "caller " << i << " left hanging";
    ASSERT_TRUE(plain[i]->has_value()) << plain[i]->error().message();
    EXPECT_EQ((*plain[i])->value, "new-0new-1");  // the takeover's whole answer
  }
}

TEST_P(MultiProcessTest, PausedHolderPastItsTtlCanNeitherReleaseNorWriteFenced) {
  const auto hash = random_hash();
  const CacheKey key{"", hash, "canonical-" + hash};
  const auto log = dir_ / "holder.log";
  const auto go = dir_ / "go";
  testing::Process holder({bin_, "holder", redis_->url(), prefix_, hash, "500", go.string()}, log.string());
  auto client = make_client();
  LockManager locks(*client, LockOptions{.key_prefix = prefix_});
  ExactCache cache(*client, ExactCacheOptions{.key_prefix = prefix_, .l1_max_bytes = 0});
  testing::run_async(io_, [&]() -> asio::awaitable<void> {
    auto acquired = co_await wait_line(log, "ACQUIRED ", 10s);
    EXPECT_TRUE(acquired);
    if (!acquired) co_return;
    const auto old_fence = std::stoull(acquired->substr(9));
    holder.signal(SIGSTOP);  // a GC pause / VM freeze: its lease renewal stops too
    co_await sleep_for(900ms);
    auto grant = co_await locks.try_acquire(KeySchema::flight_lock_name(hash), 30000ms);
    EXPECT_TRUE(grant && *grant) << "the lapsed lock was not free";
    if (!grant || !*grant) co_return;
    EXPECT_GT((*grant)->fence(), old_fence);
    EXPECT_TRUE(co_await cache.store_fenced(key, "new-answer", **grant));
    holder.signal(SIGCONT);
    std::ofstream(go.string()) << "go";
    auto released = co_await wait_line(log, "RELEASE ", 10s);
    EXPECT_TRUE(released);
    EXPECT_EQ(find_line(log, "STORE "), std::optional<std::string>("STORE refused"));
    EXPECT_EQ(released, std::optional<std::string>("RELEASE not_owner"));
    auto hit = co_await cache.lookup(key);
    EXPECT_TRUE(hit && *hit && **hit == "new-answer");
    EXPECT_EQ(command({"GET", (*grant)->key}), (*grant)->value.encode());  // still ours
  }(), 60s);
}

TEST_P(MultiProcessTest, JepsenSetWorkloadLosesNoAcknowledgedAdd) {
  const int processes = 3, tasks = 20;
  std::vector<testing::Process> workers;
  for (int p = 0; p < processes; ++p) {
    const std::string name = std::string("w").append(std::to_string(p));
    workers.emplace_back(std::vector<std::string>{bin_, "setworker", redis_->url(), prefix_, name, std::to_string(tasks)},
                         (dir_ / (name + ".log")).string());
  }
  for (auto& w : workers) ASSERT_TRUE(w.wait_exit(90000)) << "a worker did not finish";
  std::set<std::string> acked;
  for (int p = 0; p < processes; ++p) {
    for (auto& line : read_lines(dir_ / std::string("w").append(std::to_string(p)).append(".log"))) {
      if (line.rfind("ACK ", 0) == 0) acked.insert(line.substr(4));
    }
  }
  EXPECT_EQ(acked.size(), static_cast<std::size_t>(processes * tasks));
  std::string final_value = command({"GET", prefix_ + "jepsen:set"});
  std::multiset<std::string> present;
  std::stringstream ss(final_value);
  for (std::string item; std::getline(ss, item, ',');) present.insert(item);
  int lost = 0;
  for (const auto& a : acked) lost += present.count(a) == 0 ? 1 : 0;
  EXPECT_EQ(lost, 0) << "lost adds; final set: " << final_value;
  EXPECT_EQ(present.size(), acked.size()) << "duplicates or phantom elements";
}

INSTANTIATE_TEST_SUITE_P(, MultiProcessTest, ::testing::Values(::ragcache::testing::Deployment::server),
                         ::ragcache::testing::deployment_name);

}  // namespace
}  // namespace ragcache::cache
