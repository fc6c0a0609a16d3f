// The doc registry test suite, written once for any Redis deployment: doc_registry_itest.cc runs it
// on one redis-server, doc_registry_ctest.cc on a 6-node Redis Cluster.
#pragma once

#include "domain/docs/doc_registry.h"

#include <atomic>
#include <boost/json.hpp>
#include <set>
#include <thread>
#include <vector>

#include "base/hash.h"
#include "domain/docs/errors.h"
#include "support/deployment_test.h"
#include "domain/docs/lease_keeper.h"

namespace ragcache::docs {
namespace {

using namespace std::chrono_literals;
using Status = BeginResult::Status;

class DocRegistryTest : public testing::DeploymentTest {
 protected:
  DocRegistryOptions options(std::chrono::milliseconds lease = 10s) {
    DocRegistryOptions o;
    o.lease = lease;
    o.links.prefixes = {prefix_ + "doc:", prefix_ + "lock:doc:"};
    return o;
  }
  std::string answer_key(const std::string& h) { return prefix_ + "rag:exact:{" + h + "}"; }
  void store_answer(const std::string& key) { redis_cmd({"SET", key, "cached answer", "PX", "600000"}); }
  bool exists(const std::string& key) { return redis_cmd({"EXISTS", key}) == "1"; }

  // The gateway's four steps for one answer built on doc_ids (answer_links.h).
  boost::asio::awaitable<LinkOutcome> cache_answer_async(DocRegistry& docs, std::string key,
                                                         std::vector<std::string> doc_ids) {
    auto snap = co_await docs.links().snapshot(doc_ids);
    EXPECT_TRUE(snap);
    auto linked = co_await docs.links().link(key, *snap);
    EXPECT_TRUE(linked);
    if (*linked != LinkOutcome::linked) co_return *linked;
    auto stored = co_await client_->exec(redis::Command("SET", key, "cached answer", "PX", 600000));
    EXPECT_TRUE(stored);
    auto confirmed = co_await docs.links().confirm(key, *snap);
    EXPECT_TRUE(confirmed);
    co_return *confirmed;
  }
  LinkOutcome cache_answer(DocRegistry& docs, const std::string& key, const std::vector<std::string>& doc_ids) {
    return run(cache_answer_async(docs, key, doc_ids));
  }

  // begin + finish with one content.
  FinishResult ingest(DocRegistry& docs, const std::string& id, const std::string& content) {
    auto b = run(docs.begin(id, sha256_hex(content), "test"));
    EXPECT_TRUE(b);
    EXPECT_EQ(b->status, Status::acquired);
    auto f = run(docs.finish(b->ticket, 3));
    EXPECT_TRUE(f) << (f ? "" : f.error().message());
    return f ? *f : FinishResult{};
  }
};

TEST_P(DocRegistryTest, TenConcurrentWorkersExactlyOneIngests) {
  DocRegistry docs(*client_, *client_, options());
  const std::string sha = sha256_hex("content v1");
  std::vector<BeginResult> results(10);
  run_concurrently(10, [&](int i) -> boost::asio::awaitable<void> {
    const std::string holder = "worker-" + std::to_string(i);
    auto r = co_await docs.begin("manual", sha, holder);
    EXPECT_TRUE(r.has_value());
    if (r) results[i] = *r;
  });
  int acquired = 0, busy = 0;
  const BeginResult* winner = nullptr;
  for (const auto& r : results) {
    if (r.status == Status::acquired) {
      ++acquired;
      winner = &r;
    }
    if (r.status == Status::busy) ++busy;
  }
  ASSERT_EQ(acquired, 1);
  EXPECT_EQ(busy, 9);
  // The busy ones are told who holds it and since when.
  for (const auto& r : results) {
    if (r.status != Status::busy) continue;
    EXPECT_EQ(r.holder.rfind("worker-", 0), 0u);
    EXPECT_GT(r.since_ms, 0);
    EXPECT_GT(r.retry_after_ms, 0);
  }
  auto rec = run(docs.get("manual"));
  ASSERT_TRUE(rec && *rec);
  EXPECT_EQ((*rec)->status, "ingesting");
  EXPECT_EQ((*rec)->fence, winner->ticket.fence);

  auto done = run(docs.finish(winner->ticket, 42));
  ASSERT_TRUE(done) << done.error().message();
  EXPECT_EQ(done->status, "done");
  rec = run(docs.get("manual"));
  EXPECT_EQ((*rec)->status, "done");
  EXPECT_EQ((*rec)->chunk_count, 42);
  EXPECT_EQ((*rec)->content_sha256, sha);
  EXPECT_EQ(redis_cmd({"EXISTS", prefix_ + "lock:doc:{manual}"}), "0");

  // Ten workers again with the same content: all skip.
  run_concurrently(10, [&](int i) -> boost::asio::awaitable<void> {
    const std::string holder = "late-" + std::to_string(i);
    auto r = co_await docs.begin("manual", sha, holder);
    EXPECT_TRUE(r.has_value());
    if (r) {
      EXPECT_EQ(r->status, Status::unchanged);
      EXPECT_EQ(r->chunk_count, 42);
    }
  });
}

TEST_P(DocRegistryTest, ReingestWithNewContentDropsEveryAnswerThatCitedTheDocument) {
  DocRegistry docs(*client_, *client_, options());
  ingest(docs, "a", "A v1");
  ingest(docs, "b", "B v1");
  std::vector<std::string> on_a, on_b, on_both;
  for (int i = 0; i < 30; ++i) {
    on_a.push_back(answer_key(std::string("a").append(std::to_string(i))));
    on_b.push_back(answer_key(std::string("b").append(std::to_string(i))));
    on_both.push_back(answer_key("ab" + std::to_string(i)));
  }
  // 90 requests caching their answers concurrently. (Named id lists: GCC 12 mishandles
  // initializer-list temporaries inside co_await expressions.)
  const std::vector<std::string> ids_a{"a"}, ids_b{"b"}, ids_ab{"a", "b"};
  run_concurrently(90, [&](int i) -> boost::asio::awaitable<void> {
    const int n = i / 3;
    LinkOutcome o = LinkOutcome::stale;
    if (i % 3 == 0) o = co_await cache_answer_async(docs, on_a[n], ids_a);
    if (i % 3 == 1) o = co_await cache_answer_async(docs, on_b[n], ids_b);
    if (i % 3 == 2) o = co_await cache_answer_async(docs, on_both[n], ids_ab);
    EXPECT_EQ(o, LinkOutcome::linked);
  });
  // Same content again: skipped, nothing dropped.
  auto same = run(docs.begin("a", sha256_hex("A v1")));
  ASSERT_EQ(same->status, Status::unchanged);
  for (const auto& k : on_a) EXPECT_TRUE(exists(k));

  // Listen for the invalidation messages like an in-process L1 would.
  std::set<std::string> announced;
  auto sub = client_->subscriber([&](const redis::PubSubMessage& m) {
    auto v = boost::json::parse(m.payload);
    EXPECT_EQ(v.at("doc_id").as_string(), "a");
    for (const auto& k : v.at("keys").as_array()) announced.insert(std::string(k.as_string()));
  });
  sub->subscribe("rag:invalidate");
  ASSERT_TRUE(ragcache::testing::run_until(io_, [&] { return sub->ready(); }, 5s));

  auto f = ingest(docs, "a", "A v2");
  EXPECT_TRUE(f.content_changed);
  EXPECT_EQ(f.answers_invalidated, 60u);
  EXPECT_FALSE(f.invalidation_pending);
  for (const auto& k : on_a) EXPECT_FALSE(exists(k)) << k;
  for (const auto& k : on_both) EXPECT_FALSE(exists(k)) << k;
  for (const auto& k : on_b) EXPECT_TRUE(exists(k)) << k;
  EXPECT_EQ(redis_cmd({"EXISTS", prefix_ + "doc:{a}:stale"}), "0");

  ASSERT_TRUE(ragcache::testing::run_until(io_, [&] { return announced.size() == 60; }, 5s));
  for (const auto& k : on_a) EXPECT_TRUE(announced.count(k)) << k;
  for (const auto& k : on_both) EXPECT_TRUE(announced.count(k)) << k;
  sub->close();
}

TEST_P(DocRegistryTest, AnswerBuiltOnOldContentNeverSurvivesAReingest) {
  DocRegistry docs(*client_, *client_, options());
  ingest(docs, "d", "v1");
  // Race 1: the request snapshots v1, the document changes, then the answer tries to link.
  const std::string k1 = answer_key("race1");
  auto snap = run(docs.links().snapshot({"d"}));
  ingest(docs, "d", "v2");
  EXPECT_EQ(*run(docs.links().link(k1, *snap)), LinkOutcome::stale);

  // Race 2: linked before the change, stored after the invalidation ran: confirm catches it.
  const std::string k2 = answer_key("race2");
  snap = run(docs.links().snapshot({"d"}));
  ASSERT_EQ(*run(docs.links().link(k2, *snap)), LinkOutcome::linked);
  ingest(docs, "d", "v3");  // unlinks k2 (not stored yet)
  store_answer(k2);        // the late write
  EXPECT_EQ(*run(docs.links().confirm(k2, *snap)), LinkOutcome::stale);
  EXPECT_FALSE(exists(k2));

  // Race 3: the change lands after confirm: the drain sees the link.
  const std::string k3 = answer_key("race3");
  ASSERT_EQ(cache_answer(docs, k3, {"d"}), LinkOutcome::linked);
  ingest(docs, "d", "v4");
  EXPECT_FALSE(exists(k3));
}

TEST_P(DocRegistryTest, ManualInvalidationAndUnknownDocuments) {
  DocRegistry docs(*client_, *client_, options());
  // A document never registered can still be cited and invalidated.
  const std::string k = answer_key("m");
  ASSERT_EQ(cache_answer(docs, k, {"never-seen"}), LinkOutcome::linked);
  auto n = run(docs.links().invalidate_doc("never-seen"));
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 1u);
  EXPECT_FALSE(exists(k));
  // Its first real ingest (version 1 -> 2) drops answers linked at the previous version.
  const std::string k2 = answer_key("m2");
  ASSERT_EQ(cache_answer(docs, k2, {"never-seen"}), LinkOutcome::linked);
  ingest(docs, "never-seen", "first content");
  EXPECT_FALSE(exists(k2));
  // The link set expires (state role keeps no unbounded garbage).
  const std::string k3 = answer_key("m3");
  ASSERT_EQ(cache_answer(docs, k3, {"never-seen"}), LinkOutcome::linked);
  EXPECT_GT(std::stoll(redis_cmd({"PTTL", prefix_ + "doc:{never-seen}:answers"})), 0);
}

TEST_P(DocRegistryTest, TooManyLinksRefusesRatherThanForgets) {
  auto o = options();
  o.links.max_links_per_doc = 3;
  DocRegistry docs(*client_, *client_, o);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(cache_answer(docs, answer_key(std::string("f").append(std::to_string(i))), {"x"}), LinkOutcome::linked);
  auto snap = run(docs.links().snapshot({"x"}));
  EXPECT_EQ(*run(docs.links().link(answer_key("f9"), *snap)), LinkOutcome::full);
  EXPECT_EQ(*run(docs.links().link(answer_key("f0"), *snap)), LinkOutcome::linked);  // already there
}

TEST_P(DocRegistryTest, FencingStopsAWorkerWhoseLeaseWasTakenOver) {
  DocRegistry docs(*client_, *client_, options(150ms));
  const std::string sha = sha256_hex("slow content");
  auto first = run(docs.begin("f", sha, "slow"));
  ASSERT_EQ(first->status, Status::acquired);
  std::this_thread::sleep_for(250ms);  // the slow worker's lease lapses
  auto second = run(docs.begin("f", sha, "fast"));
  ASSERT_EQ(second->status, Status::acquired);
  EXPECT_GT(second->ticket.fence, first->ticket.fence);
  EXPECT_FALSE(*run(docs.renew(first->ticket)));
  auto late = run(docs.finish(first->ticket, 1));
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, make_error_code(Errc::lease_lost));
  auto late_fail = run(docs.fail(first->ticket, "boom"));
  EXPECT_FALSE(late_fail);
  auto ok = run(docs.finish(second->ticket, 7));
  ASSERT_TRUE(ok);
  EXPECT_EQ((*run(docs.get("f")))->chunk_count, 7);
  // Finishing twice is refused too.
  EXPECT_FALSE(run(docs.finish(second->ticket, 8)));
}

TEST_P(DocRegistryTest, LapsedLeaseWithNoTakeoverMayStillFinish) {
  DocRegistry docs(*client_, *client_, options(100ms));
  auto b = run(docs.begin("g", sha256_hex("x")));
  ASSERT_EQ(b->status, Status::acquired);
  std::this_thread::sleep_for(200ms);
  // Nobody else began: the fencing number still names this ingest as the latest.
  EXPECT_TRUE(run(docs.finish(b->ticket, 1)));
}

TEST_P(DocRegistryTest, RenewKeepsTheLockAndFailRecordsTheReason) {
  // Lease and pauses scaled together (support/time_scale.h): renewals stay well inside a lease
  // on a busy machine, and the four pauses still outlast one lease.
  DocRegistry docs(*client_, *client_, options(ragcache::testing::scaled(300ms)));
  const std::string sha = sha256_hex("y");
  auto b = run(docs.begin("h", sha));
  ASSERT_EQ(b->status, Status::acquired);
  for (int i = 0; i < 4; ++i) {
    std::this_thread::sleep_for(ragcache::testing::scaled(100ms));
    ASSERT_TRUE(*run(docs.renew(b->ticket)));
  }
  EXPECT_EQ(run(docs.begin("h", sha))->status, Status::busy);
  auto f = run(docs.fail(b->ticket, "embedder down"));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->status, "failed");
  auto rec = *run(docs.get("h"));
  EXPECT_EQ(rec->status, "failed");
  EXPECT_EQ(rec->error, "embedder down");
  // A failed ingest is not "unchanged": the next worker gets the lock.
  EXPECT_EQ(run(docs.begin("h", sha))->status, Status::acquired);
}

TEST_P(DocRegistryTest, FinishWithOtherContentOrBadInputIsRefused) {
  DocRegistry docs(*client_, *client_, options());
  auto b = run(docs.begin("i", sha256_hex("one")));
  ASSERT_EQ(b->status, Status::acquired);
  auto wrong = b->ticket;
  wrong.content_sha256 = sha256_hex("two");
  auto r = run(docs.finish(wrong, 1));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, make_error_code(Errc::content_mismatch));
  EXPECT_FALSE(run(docs.begin("i{", sha256_hex("one"))));
  EXPECT_FALSE(run(docs.begin("i", "not-a-hash")));
  EXPECT_FALSE(run(docs.finish(b->ticket, -1)));
  EXPECT_FALSE(*run(docs.get("unknown")));
}

TEST_P(DocRegistryTest, LeaseKeeperHoldsTheLockUntilStopped) {
  // Lease, renewal period and waits all scaled together (support/time_scale.h).
  using ragcache::testing::scaled;
  DocRegistry docs(*client_, *client_, options(scaled(300ms)));
  const std::string sha = sha256_hex("long ingest");
  auto b = run(docs.begin("k", sha, "keeper"));
  ASSERT_EQ(b->status, Status::acquired);
  {
    LeaseKeeper keeper(docs, b->ticket, scaled(50ms));
    keeper.start(io_.get_executor());
    // More than two leases long: without the keeper the lock would have expired.
    ragcache::testing::run_for(io_, scaled(700ms));
    EXPECT_GE(keeper.renewals(), 3);
    EXPECT_FALSE(keeper.lost());
    EXPECT_EQ(run(docs.begin("k", sha, "other"))->status, Status::busy);
    keeper.stop();
  }
  ragcache::testing::run_for(io_, scaled(400ms));
  // Stopped: the lease lapses and another worker may take over.
  EXPECT_EQ(run(docs.begin("k", sha, "other"))->status, Status::acquired);
}

TEST_P(DocRegistryTest, LeaseKeeperNoticesALostLease) {
  DocRegistry docs(*client_, *client_, options(100ms));
  const std::string sha = sha256_hex("z");
  auto b = run(docs.begin("l", sha));
  ASSERT_EQ(b->status, Status::acquired);
  LeaseKeeper keeper(docs, b->ticket, 40ms);
  keeper.start(io_.get_executor());
  redis_cmd({"DEL", prefix_ + "lock:doc:{l}"});  // e.g. expired while the process was paused
  ASSERT_EQ(run(docs.begin("l", sha, "thief"))->status, Status::acquired);
  ASSERT_TRUE(ragcache::testing::run_until(io_, [&] { return keeper.lost(); }, 2s));
}

TEST_P(DocRegistryTest, StoreThenLinkUndoesAnAnswerBuiltOnOldContent) {
  DocRegistry docs(*client_, *client_, options());
  ingest(docs, "s", "v1");
  const std::string key = answer_key("store-first");
  auto snap = run(docs.links().snapshot({"s"}));
  store_answer(key);       // stored inside single-flight, before any link
  ingest(docs, "s", "v2");  // the document changed in between
  EXPECT_EQ(*run(docs.links().link_stored(key, *snap)), LinkOutcome::stale);
  EXPECT_FALSE(exists(key));
  // Unchanged sources: linked, kept, and dropped by the next re-ingest.
  const std::string fresh = answer_key("store-first-2");
  snap = run(docs.links().snapshot({"s"}));
  store_answer(fresh);
  EXPECT_EQ(*run(docs.links().link_stored(fresh, *snap)), LinkOutcome::linked);
  EXPECT_TRUE(exists(fresh));
  ingest(docs, "s", "v3");
  EXPECT_FALSE(exists(fresh));
}

}  // namespace
}  // namespace ragcache::docs
