// A Pub/Sub subscription on a connection of its own.
//
// Messages are handed to a callback on the subscriber's strand (keep it short: post real work
// elsewhere). Subscriptions survive reconnects: after every (re)connect the subscriber subscribes
// again and calls on_resubscribed, because messages published while it was away are lost and the
// owner may need to re-check state (e.g. lock waiters re-read the lock).
//
// Lifetime: owned by shared_ptr; close() stops it (it does not reconnect after that).
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <memory>
#include <string>

#include "redis/endpoint.h"
#include "redis/options.h"

namespace ragcache::redis {

struct PubSubMessage {
  std::string channel;
  std::string pattern;  // set for pattern subscriptions
  std::string payload;
};

class Subscriber : public std::enable_shared_from_this<Subscriber> {
 public:
  using MessageHandler = std::function<void(const PubSubMessage&)>;
  using ResubscribedHandler = std::function<void()>;
  // Asked before every reconnect for the server to use (cluster/sentinel mode: the current
  // node or primary, so subscriptions follow a failover). Empty: always `endpoint`.
  using EndpointProvider = std::function<Endpoint()>;

  static std::shared_ptr<Subscriber> create(boost::asio::any_io_executor ex, Endpoint endpoint,
                                            ConnectionOptions options, MessageHandler on_message,
                                            ResubscribedHandler on_resubscribed = {},
                                            EndpointProvider where = {});
  ~Subscriber();

  // Thread-safe; take effect on the strand, and again after every reconnect.
  void subscribe(std::string channel);
  void psubscribe(std::string pattern);
  void unsubscribe(std::string channel);
  void close();

  // True once connected and subscribed to everything asked for so far.
  bool ready() const { return ready_.load(); }

  struct Impl;

 private:
  explicit Subscriber(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::atomic<bool> ready_{false};
};

}  // namespace ragcache::redis
