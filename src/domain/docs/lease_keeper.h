// Keeps an ingest lease alive while the work runs: renews the document lock every `every`
// (a third of the lease is a good choice) until stop() or until the lock turns out to be lost.
//
//   LeaseKeeper keeper(docs, begin->ticket, docs.options().lease / 3);
//   keeper.start();
//   ... chunk + embed; check keeper.lost() before writing ...
//   keeper.stop();
//   co_await docs.finish(begin->ticket, chunks);   // still fenced: a lost lease is refused there
//
// The renewal loop is base/lease_renewer.h's; a renew that cannot reach Redis is tried again next
// time (the document lock itself expires if Redis stays away, and finish() is fenced). Thread-
// safe. The DocRegistry must outlive the keeper; stop() (also run by the destructor) cancels the
// wait, and a renew already in flight finishes on its own.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <memory>

#include "base/lease_renewer.h"
#include "domain/docs/doc_registry.h"

namespace ragcache::docs {

class LeaseKeeper {
 public:
  LeaseKeeper(DocRegistry& docs, IngestTicket ticket, std::chrono::milliseconds every);
  ~LeaseKeeper();
  LeaseKeeper(const LeaseKeeper&) = delete;
  LeaseKeeper& operator=(const LeaseKeeper&) = delete;

  void start(boost::asio::any_io_executor ex);
  void stop();
  // True once a renew found the lock held by someone else (or expired and taken).
  bool lost() const { return renewer_ && renewer_->lost(); }
  // Renewals that succeeded so far.
  int renewals() const { return renewer_ ? renewer_->renewals() : 0; }

 private:
  DocRegistry& docs_;
  IngestTicket ticket_;
  std::chrono::milliseconds every_;
  std::shared_ptr<LeaseRenewer> renewer_;
};

}  // namespace ragcache::docs
