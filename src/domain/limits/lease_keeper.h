// Keeps an ingest lease alive while the work runs: renews the document lock every `every`
// (a third of the lease is a good choice) until stop() or until the lock turns out to be lost.
//
//   LeaseKeeper keeper(docs, begin->ticket, docs.options().lease / 3);
//   keeper.start();
//   ... chunk + embed; check keeper.lost() before writing ...
//   keeper.stop();
//   co_await docs.finish(begin->ticket, chunks);   // still fenced: a lost lease is refused there
//
// Runs on the state Client's executor; call start/stop/lost from that executor (single-threaded
// use, like the rest of a request). The DocRegistry must outlive the keeper; stop() (also run by
// the destructor) cancels the wait, and a renew already in flight finishes on its own.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>

#include "domain/limits/doc_registry.h"

namespace ragcache::limits {

class LeaseKeeper {
 public:
  LeaseKeeper(DocRegistry& docs, IngestTicket ticket, std::chrono::milliseconds every);
  ~LeaseKeeper();
  LeaseKeeper(const LeaseKeeper&) = delete;
  LeaseKeeper& operator=(const LeaseKeeper&) = delete;

  void start(boost::asio::any_io_executor ex);
  void stop();
  // True once a renew found the lock held by someone else (or expired and taken).
  bool lost() const { return state_ && state_->lost; }
  // Renewals that succeeded so far.
  int renewals() const { return state_ ? state_->renewals : 0; }

 private:
  // Everything the renew loop uses, shared with it so it may outlive this object by one renew.
  struct State {
    State(boost::asio::any_io_executor ex, DocRegistry& d, IngestTicket t, std::chrono::milliseconds e)
        : timer(ex), docs(d), ticket(std::move(t)), every(e) {}
    boost::asio::steady_timer timer;
    DocRegistry& docs;
    IngestTicket ticket;
    std::chrono::milliseconds every;
    bool stopped = false;
    bool lost = false;
    int renewals = 0;
  };
  static boost::asio::awaitable<void> renew_loop(std::shared_ptr<State> state);

  DocRegistry& docs_;
  IngestTicket ticket_;
  std::chrono::milliseconds every_;
  std::shared_ptr<State> state_;
};

}  // namespace ragcache::limits
