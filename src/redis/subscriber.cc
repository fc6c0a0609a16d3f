#include "redis/subscriber.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <set>

#include "base/random.h"
#include "redis/command.h"
#include "redis/transport.h"

namespace ragcache::redis {

namespace asio = boost::asio;

struct Subscriber::Impl {
  asio::strand<asio::any_io_executor> strand;
  ConnectionOptions options;
  Transport transport;
  MessageHandler on_message;
  ResubscribedHandler on_resubscribed;
  EndpointProvider where;  // set in cluster/sentinel mode: asked before every reconnect
  std::set<std::string> channels;
  std::set<std::string> patterns;
  std::string outbox;      // commands waiting to be written
  bool writing = false;
  bool connected = false;
  bool closing = false;
  std::size_t awaiting_confirmations = 0;  // subscribe confirmations still due after a reconnect

  Impl(asio::any_io_executor ex, Endpoint ep, ConnectionOptions opts)
      : strand(asio::make_strand(ex)), options(opts), transport(strand, std::move(ep), std::move(opts)) {}

  void send(const Command& cmd, std::shared_ptr<Subscriber> self) {
    if (!connected) return;  // sent with everything else on (re)connect
    cmd.append_to(outbox);
    if (writing) return;
    writing = true;
    asio::co_spawn(strand, flush(std::move(self)), asio::detached);
  }

  asio::awaitable<void> flush(std::shared_ptr<Subscriber> self) {
    while (!outbox.empty() && connected) {
      std::string batch = std::move(outbox);
      outbox.clear();
      if (co_await transport.write_all(std::string_view(batch))) {
        transport.close();  // the read loop notices and reconnects
        break;
      }
    }
    writing = false;
  }

  void dispatch(const Reply& r, Subscriber& self) {
    if (!r.is_array() || r.elements.empty()) return;
    const auto& kind = r.elements[0].str;
    if (kind == "message" && r.elements.size() == 3) {
      on_message({r.elements[1].str, {}, r.elements[2].str});
    } else if (kind == "pmessage" && r.elements.size() == 4) {
      on_message({r.elements[2].str, r.elements[1].str, r.elements[3].str});
    } else if ((kind == "subscribe" || kind == "psubscribe") && awaiting_confirmations > 0) {
      if (--awaiting_confirmations == 0) {
        self.ready_.store(true);
        if (on_resubscribed) on_resubscribed();
      }
    }
  }

  asio::awaitable<void> run(std::shared_ptr<Subscriber> self) {
    int failures = 0;
    bool first = true;
    while (!closing) {
      if (where && !first) transport.set_endpoint(where());
      first = false;
      auto connected_ok = co_await transport.connect();
      if (closing) break;
      if (connected_ok) {
        failures = 0;
        connected = true;
        outbox.clear();
        awaiting_confirmations = channels.size() + patterns.size();
        if (awaiting_confirmations == 0) {
          self->ready_.store(true);
          if (on_resubscribed) on_resubscribed();
        } else {
          if (!channels.empty()) send(Command("SUBSCRIBE").args(std::vector<std::string>(channels.begin(), channels.end())), self);
          if (!patterns.empty()) send(Command("PSUBSCRIBE").args(std::vector<std::string>(patterns.begin(), patterns.end())), self);
        }
        for (;;) {
          auto [ec, bytes] = co_await transport.read_some();
          if (ec || !transport.reader().feed(bytes)) break;
          bool broken = false;
          for (;;) {
            auto next = transport.reader().next();
            if (!next) {
              broken = true;
              break;
            }
            if (!*next) break;
            dispatch(**next, *self);
          }
          if (broken) break;
        }
        connected = false;
        self->ready_.store(false);
        transport.close();
        continue;
      }
      ++failures;
      auto cap = options.reconnect_max.count();
      auto base = std::min<long long>(cap, options.reconnect_min.count() << std::min(failures, 20));
      asio::steady_timer backoff(strand);
      backoff.expires_after(std::chrono::milliseconds(random_between(base / 2, base)));
      co_await backoff.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    transport.close();
  }
};

Subscriber::Subscriber(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Subscriber::~Subscriber() = default;

std::shared_ptr<Subscriber> Subscriber::create(asio::any_io_executor ex, Endpoint endpoint, ConnectionOptions options,
                                               MessageHandler on_message, ResubscribedHandler on_resubscribed,
                                               EndpointProvider where) {
  auto impl = std::make_unique<Impl>(std::move(ex), std::move(endpoint), std::move(options));
  impl->on_message = std::move(on_message);
  impl->on_resubscribed = std::move(on_resubscribed);
  impl->where = std::move(where);
  auto sub = std::shared_ptr<Subscriber>(new Subscriber(std::move(impl)));
  asio::co_spawn(sub->impl_->strand, sub->impl_->run(sub), asio::detached);
  return sub;
}

void Subscriber::subscribe(std::string channel) {
  auto self = shared_from_this();
  asio::post(impl_->strand, [self, channel = std::move(channel)] {
    if (self->impl_->channels.insert(channel).second) self->impl_->send(Command("SUBSCRIBE", channel), self);
  });
}

void Subscriber::psubscribe(std::string pattern) {
  auto self = shared_from_this();
  asio::post(impl_->strand, [self, pattern = std::move(pattern)] {
    if (self->impl_->patterns.insert(pattern).second) self->impl_->send(Command("PSUBSCRIBE", pattern), self);
  });
}

void Subscriber::unsubscribe(std::string channel) {
  auto self = shared_from_this();
  asio::post(impl_->strand, [self, channel = std::move(channel)] {
    if (self->impl_->channels.erase(channel) > 0) self->impl_->send(Command("UNSUBSCRIBE", channel), self);
  });
}

void Subscriber::close() {
  auto self = shared_from_this();
  asio::post(impl_->strand, [self] {
    self->impl_->closing = true;
    self->impl_->connected = false;
    self->impl_->transport.close();
  });
}

}  // namespace ragcache::redis
