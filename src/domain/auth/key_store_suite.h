// The key store suite, written once for any Redis deployment: key_store_itest.cc runs it on one
// redis-server, key_store_ctest.cc on a local Redis Cluster.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <thread>

#include "base/hash.h"
#include "domain/auth/key_store.h"
#include "support/async_test.h"
#include "support/redis_deployment.h"

namespace ragcache::auth {
namespace {

using namespace std::chrono_literals;

class KeyStoreTest : public ::testing::TestWithParam<ragcache::testing::Deployment> {
 protected:
  void SetUp() override {
    redis_ = &ragcache::testing::shared_deployment(GetParam());
    prefix_ = ragcache::testing::untagged_key_prefix() + "apikey:";
    client_ = make_client();
  }
  std::unique_ptr<redis::Client> make_client() {
    redis::ClientOptions options;
    options.url = redis_->url();
    options.pool_size = 2;
    auto c = redis::Client::create(io_.get_executor(), options);
    EXPECT_TRUE(c.has_value());
    return std::move(*c);
  }
  KeyStoreOptions options(std::chrono::milliseconds ttl = 2000ms) { return {.key_prefix = prefix_, .cache_ttl = ttl}; }
  template <class T>
  T run(boost::asio::awaitable<T> coro) {
    return ragcache::testing::run_async(io_, std::move(coro), std::chrono::seconds(20));
  }

  ragcache::testing::RedisDeployment* redis_ = nullptr;
  boost::asio::io_context io_;
  std::string prefix_;
  std::unique_ptr<redis::Client> client_;
};

TEST_P(KeyStoreTest, AnIssuedKeyNamesItsTenantAndLimitsAndOnlyItsHashIsStored) {
  KeyStore store(*client_, options());
  auto created = run(store.create("team-a", {.requests_per_minute = 60, .tokens_per_day = 1000}));
  ASSERT_TRUE(created) << created.error().message();
  EXPECT_TRUE(created->secret.starts_with("rck_"));
  EXPECT_EQ(created->secret.size(), 36u);
  auto found = run(store.lookup(created->secret));
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->tenant, "team-a");
  EXPECT_EQ((*found)->id, created->record.id);
  EXPECT_EQ((*found)->limits.requests_per_minute, 60);
  EXPECT_EQ((*found)->limits.tokens_per_day, 1000);
  // The secret appears nowhere in Redis: the record lives under its hash.
  const std::string record_key = prefix_ + "{" + sha256_hex(created->secret) + "}";
  EXPECT_EQ(redis_->command({"HGET", record_key, "tenant"}), "team-a");
  EXPECT_EQ(redis_->command({"HGETALL", record_key}).find(created->secret), std::string::npos);
  // Unknown keys and near misses are not found.
  EXPECT_FALSE(*run(store.lookup(created->secret + "x")));
  EXPECT_FALSE(*run(store.lookup("")));
}

TEST_P(KeyStoreTest, RevocationReachesAnotherReplicaWithinItsCacheTtl) {
  KeyStore here(*client_, options(300ms));
  auto other_client = make_client();
  KeyStore there(*other_client, options(300ms));  // another gateway process
  auto created = run(here.create("team-b", {}));
  ASSERT_TRUE(created);
  ASSERT_TRUE(*run(there.lookup(created->secret)));  // cached there now
  ASSERT_TRUE(*run(here.revoke(created->record.id)));
  EXPECT_FALSE(*run(here.lookup(created->secret)));  // at once where it was revoked
  const auto revoked_at = std::chrono::steady_clock::now();
  bool refused = false;
  while (!refused && std::chrono::steady_clock::now() - revoked_at < 5s) {
    refused = !*run(there.lookup(created->secret));
    if (!refused) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(refused) << "the other replica still accepts a revoked key after 5 s";
  EXPECT_FALSE(*run(here.revoke("key_0000000000000000")));  // unknown id
  EXPECT_FALSE(*run(here.revoke("not-an-id")));
}

TEST_P(KeyStoreTest, ListShowsEveryKeyWithoutSecretsRevokedOnesMarked) {
  KeyStore store(*client_, options());
  auto a = run(store.create("team-a", {}));
  auto b = run(store.create("team-b", {.tokens_per_minute = 5}));
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(*run(store.revoke(a->record.id)));
  auto all = run(store.list());
  ASSERT_TRUE(all) << all.error().message();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, a->record.id);
  EXPECT_TRUE((*all)[0].revoked);
  EXPECT_EQ((*all)[1].tenant, "team-b");
  EXPECT_FALSE((*all)[1].revoked);
}

TEST_P(KeyStoreTest, BadInputWritesNothing) {
  KeyStore store(*client_, options());
  EXPECT_FALSE(run(store.create("has space", {})));
  EXPECT_FALSE(run(store.create("{tag}", {})));
  EXPECT_FALSE(run(store.create(std::string(49, 'a'), {})));
  EXPECT_FALSE(run(store.create("ok", {.requests_per_minute = -1})));
  auto all = run(store.list());
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->empty());
}

}  // namespace
}  // namespace ragcache::auth
