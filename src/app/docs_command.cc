// `ragcache docs`: the document registry and ingest guard from the command line.
//
//   ragcache docs show ID [--json]                     the document's record
//   ragcache docs begin ID (--sha256 HEX | --file PATH) [--holder H] [--source S]
//                                                      prints begin's JSON (keep it: it is the ticket)
//   ragcache docs renew ID --ticket JSON               extend the ingest lease
//   ragcache docs finish ID --ticket JSON [--chunks N] record a finished ingest
//   ragcache docs fail ID --ticket JSON [--reason R]   record a failed ingest
//   ragcache docs invalidate ID                        drop every cached answer built on ID now
//
// --ticket takes the JSON that begin printed (or @FILE to read it from a file). The registry and
// its lock are in the state-role Redis (--state-redis), the answers it invalidates in the cache
// role (--cache-redis); --redis sets both (also RAGCACHE_STATE_REDIS / RAGCACHE_CACHE_REDIS /
// RAGCACHE_REDIS; default redis://127.0.0.1:6379).
// Exit status: 0 on success (begin: acquired), 2 begin: unchanged, 3 begin: busy, 4 renew: lease
// lost, 5 show: unknown document, 1 on bad input or any error (message on stderr).
#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "app/cli_runtime.h"
#include "app/commands.h"
#include "base/hash.h"
#include "domain/docs/doc_registry.h"
#include "redis/client.h"

namespace ragcache::app {
namespace {

namespace asio = boost::asio;

struct DocsCliOptions {
  std::string state_redis;
  std::string cache_redis;
  std::string redis;
  std::string action;
  std::string doc_id;
  std::string sha256;
  std::string file;
  std::string holder;
  std::string source;
  std::string ticket;
  std::int64_t chunks = 0;
  std::string reason;
  bool json = false;
};

std::string pick_url(const std::string& role, const std::string& both) {
  if (!role.empty()) return role;
  if (!both.empty()) return both;
  return "redis://127.0.0.1:6379";
}

std::string iso_time(std::int64_t ms) {
  if (ms <= 0) return "-";
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(ragcache::Errc::invalid_argument, "cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The content hash from --sha256 or --file.
Result<std::string> content_hash(const DocsCliOptions& o) {
  if (!o.sha256.empty() && !o.file.empty()) return Error(ragcache::Errc::invalid_argument, "give --sha256 or --file, not both");
  if (!o.file.empty()) {
    auto text = read_file(o.file);
    if (!text) return text.error();
    return sha256_hex(*text);
  }
  if (o.sha256.empty()) return Error(ragcache::Errc::invalid_argument, "begin needs --sha256 HEX or --file PATH");
  return o.sha256;
}

// The ticket from --ticket JSON (or @FILE), with the content hash it carries.
Result<docs::FinishRequest> parse_ticket(const DocsCliOptions& o) {
  std::string text = o.ticket;
  if (!text.empty() && text[0] == '@') {
    auto file = read_file(text.substr(1));
    if (!file) return file.error();
    text = *file;
  }
  if (text.empty()) return Error(ragcache::Errc::invalid_argument, "--ticket JSON (what begin printed) is required");
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec);
  if (ec) return Error(ragcache::Errc::invalid_argument, "--ticket is not JSON: " + ec.message());
  return docs::finish_request_from_json(value, o.doc_id);
}

void print_record(const docs::DocRecord& d) {
  std::cout << "document     " << d.doc_id << "\n"
            << "status       " << d.status << "\n"
            << "content      " << (d.content_sha256.empty() ? "-" : d.content_sha256) << "\n"
            << "chunks       " << d.chunk_count << "\n"
            << "version      " << d.version << "\n"
            << "source       " << (d.source.empty() ? "-" : d.source) << "\n"
            << "holder       " << (d.holder.empty() ? "-" : d.holder) << "\n"
            << "fence        " << d.fence << "\n"
            << "created      " << iso_time(d.created_at_ms) << "\n"
            << "updated      " << iso_time(d.updated_at_ms) << "\n"
            << "started      " << iso_time(d.started_at_ms) << "\n"
            << "finished     " << iso_time(d.finished_at_ms) << "\n";
  if (!d.error.empty()) std::cout << "error        " << d.error << "\n";
}

int fail_with(const std::string& what, const Error& e) {
  std::cerr << "ragcache docs " << what << ": " << e.message() << "\n";
  return 1;
}

asio::awaitable<int> run(docs::DocRegistry& docs, const DocsCliOptions& o) {
  const std::string& a = o.action;
  if (a == "show") {
    auto rec = co_await docs.get(o.doc_id);
    if (!rec) co_return fail_with(a, rec.error());
    if (!*rec) {
      std::cerr << "document " << o.doc_id << " not found\n";
      co_return 5;
    }
    if (o.json) std::cout << boost::json::serialize(docs::to_json(**rec)) << "\n";
    else print_record(**rec);
    co_return 0;
  }
  if (a == "begin") {
    auto sha = content_hash(o);
    if (!sha) co_return fail_with(a, sha.error());
    auto r = co_await docs.begin(o.doc_id, *sha, o.holder, o.source);
    if (!r) co_return fail_with(a, r.error());
    std::cout << boost::json::serialize(docs::to_json(*r)) << "\n";
    switch (r->status) {
      case docs::BeginResult::Status::acquired: co_return 0;
      case docs::BeginResult::Status::unchanged: co_return 2;
      case docs::BeginResult::Status::busy: co_return 3;
    }
    co_return 1;
  }
  if (a == "invalidate") {
    auto n = co_await docs.links().invalidate_doc(o.doc_id);
    if (!n) co_return fail_with(a, n.error());
    std::cout << "invalidated " << *n << " cached answers built on " << o.doc_id << "\n";
    co_return 0;
  }
  auto req = parse_ticket(o);
  if (!req) co_return fail_with(a, req.error());
  if (a == "renew") {
    auto ok = co_await docs.renew(req->ticket);
    if (!ok) co_return fail_with(a, ok.error());
    std::cout << (*ok ? "renewed" : "lease lost: another worker holds the document") << "\n";
    co_return *ok ? 0 : 4;
  }
  Result<docs::FinishResult> done = Error(ragcache::Errc::internal);
  if (a == "finish") {
    done = co_await docs.finish(req->ticket, o.chunks);
  } else {
    done = co_await docs.fail(req->ticket, o.reason);
  }
  if (!done) co_return fail_with(a, done.error());
  std::cout << boost::json::serialize(docs::to_json(*done)) << "\n";
  co_return 0;
}

int run_docs_command(const DocsCliOptions& o) {
  if (auto v = docs::validate_doc_id(o.doc_id); !v) return fail_with(o.action, v.error());
  asio::io_context io;
  const std::string state_url = pick_url(o.state_redis, o.redis);
  const std::string cache_url = pick_url(o.cache_redis, o.redis);
  auto state = make_cli_client(io, state_url);
  if (!state) return fail_with(o.action, state.error());
  std::unique_ptr<redis::Client> cache_owner;
  if (cache_url != state_url) {
    auto cache = make_cli_client(io, cache_url);
    if (!cache) return fail_with(o.action, cache.error());
    cache_owner = std::move(*cache);
  }
  docs::DocRegistry docs(**state, cache_owner ? *cache_owner : **state);
  return run_to_completion(io, run(docs, o));
}

}  // namespace

void add_docs_command(CLI::App& app) {
  auto o = std::make_shared<DocsCliOptions>();
  auto* cmd = app.add_subcommand("docs", "Document registry and ingest guard: show, begin, renew, finish, fail, invalidate");
  cmd->require_subcommand(1);
  cmd->add_option("--state-redis", o->state_redis, "Redis URL of the state role (registry, locks)")
      ->envname("RAGCACHE_STATE_REDIS");
  cmd->add_option("--cache-redis", o->cache_redis, "Redis URL of the cache role (cached answers)")
      ->envname("RAGCACHE_CACHE_REDIS");
  cmd->add_option("--redis", o->redis, "Redis URL for both roles (default redis://127.0.0.1:6379)")
      ->envname("RAGCACHE_REDIS");

  auto* show = cmd->add_subcommand("show", "Print a document's record");
  show->add_option("doc_id", o->doc_id, "Document id")->required();
  show->add_flag("--json", o->json, "Print JSON instead of text");
  show->callback([o] { o->action = "show"; });

  auto* begin = cmd->add_subcommand("begin", "Start ingesting a document (prints the ticket JSON)");
  begin->add_option("doc_id", o->doc_id, "Document id")->required();
  begin->add_option("--sha256", o->sha256, "SHA-256 of the content (64 hex digits)");
  begin->add_option("--file", o->file, "Hash this file's content instead");
  begin->add_option("--holder", o->holder, "Who ingests (shown to busy workers)");
  begin->add_option("--source", o->source, "Where the document comes from (stored)");
  begin->callback([o] { o->action = "begin"; });

  auto* renew = cmd->add_subcommand("renew", "Extend the ingest lease");
  renew->add_option("doc_id", o->doc_id, "Document id")->required();
  renew->add_option("--ticket", o->ticket, "The JSON begin printed, or @FILE")->required();
  renew->callback([o] { o->action = "renew"; });

  auto* finish = cmd->add_subcommand("finish", "Record a finished ingest (invalidates answers on new content)");
  finish->add_option("doc_id", o->doc_id, "Document id")->required();
  finish->add_option("--ticket", o->ticket, "The JSON begin printed, or @FILE")->required();
  finish->add_option("--chunks", o->chunks, "Number of chunks written")->check(CLI::NonNegativeNumber);
  finish->callback([o] { o->action = "finish"; });

  auto* fail = cmd->add_subcommand("fail", "Record a failed ingest");
  fail->add_option("doc_id", o->doc_id, "Document id")->required();
  fail->add_option("--ticket", o->ticket, "The JSON begin printed, or @FILE")->required();
  fail->add_option("--reason", o->reason, "Why it failed");
  fail->callback([o] { o->action = "fail"; });

  auto* inval = cmd->add_subcommand("invalidate", "Drop every cached answer built on the document now");
  inval->add_option("doc_id", o->doc_id, "Document id")->required();
  inval->callback([o] { o->action = "invalidate"; });

  cmd->callback([o] {
    const int rc = run_docs_command(*o);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace ragcache::app
