// `ragcache mock-llm`: a simulated OpenAI-compatible model server (see mock_llm/mock_llm.h for the
// routes, determinism and error injection), for testing and benchmarking the gateway.
//
//   ragcache mock-llm --listen 127.0.0.1:8081 --latency-ms 200 --tokens-per-sec 50
//
// Prints "mock-llm listening on http://HOST:PORT" once it accepts connections (scripts wait for
// that line; with port 0 it names the port picked). SIGINT/SIGTERM stop it gracefully.
#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <iostream>
#include <memory>
#include <string>

#include "app/commands.h"
#include "http/io_threads.h"
#include "http/listen_address.h"
#include "http/metrics.h"
#include "mock_llm/mock_llm.h"
#include "http/server.h"
#include "http/standard_routes.h"

namespace ragcache::app {
namespace {

struct MockLlmCommandOptions {
  std::string listen = "127.0.0.1:8081";
  int latency_ms = 0;
  double tokens_per_sec = 0;
  int answer_tokens = 24;
  int embedding_dimensions = 256;
  int threads = 0;
  int shutdown_ms = 5000;
};

int run_mock_llm(const MockLlmCommandOptions& o) {
  auto addr = http::parse_listen_address(o.listen);
  if (!addr) {
    std::cerr << "ragcache mock-llm: " << addr.error().message() << "\n";
    return 2;
  }
  mock::MockLlmOptions mock_options;
  mock_options.latency = std::chrono::milliseconds(o.latency_ms);
  mock_options.tokens_per_sec = o.tokens_per_sec;
  mock_options.answer_tokens = o.answer_tokens;
  mock_options.embedding_dimensions = o.embedding_dimensions;
  mock::MockLlm mock(mock_options);
  http::MetricsRegistry metrics;

  http::Router router;
  http::add_health_route(router);
  http::add_metrics_route(router, metrics);
  mock.add_routes(router);

  boost::asio::io_context ctx;
  http::ServerOptions server_options;
  server_options.host = addr->host;
  server_options.port = addr->port;
  server_options.metrics = &metrics;
  http::Server server(ctx, server_options, std::move(router));
  if (auto listening = server.listen(); !listening) {
    std::cerr << "ragcache mock-llm: " << listening.error().message() << "\n";
    return 1;
  }
  server.start();

  boost::asio::signal_set signals(ctx, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    boost::asio::co_spawn(ctx, server.stop(std::chrono::milliseconds(o.shutdown_ms)),
                          [&](std::exception_ptr) { ctx.stop(); });
  });

  std::string host = addr->host.find(':') != std::string::npos ? "[" + addr->host + "]" : addr->host;
  std::cout << "mock-llm listening on http://" << host << ":" << server.port() << std::endl;
  http::IoThreads threads(ctx, o.threads);
  threads.join();
  return 0;
}

}  // namespace

void add_mock_llm_command(CLI::App& app) {
  auto o = std::make_shared<MockLlmCommandOptions>();
  auto* cmd = app.add_subcommand("mock-llm", "Run a simulated OpenAI-compatible model server (for tests and benchmarks)");
  cmd->add_option("--listen", o->listen, "HOST:PORT to listen on")->capture_default_str();
  cmd->add_option("--latency-ms", o->latency_ms, "Delay before the first byte of every answer")
      ->capture_default_str()
      ->check(CLI::Range(0, 3'600'000));
  cmd->add_option("--tokens-per-sec", o->tokens_per_sec, "Streaming pace in tokens per second (0 = unpaced)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e9));
  cmd->add_option("--answer-tokens", o->answer_tokens, "Answer length in tokens")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--embedding-dimensions", o->embedding_dimensions, "Default embedding size")
      ->capture_default_str()
      ->check(CLI::Range(1, 16384));
  cmd->add_option("--threads", o->threads, "IO threads (0 = one per core)")->capture_default_str()->check(CLI::Range(0, 1024));
  cmd->add_option("--shutdown-timeout-ms", o->shutdown_ms, "On SIGTERM/SIGINT, wait this long for requests in flight")
      ->capture_default_str()
      ->check(CLI::Range(0, 600000));
  cmd->callback([o] {
    const int rc = run_mock_llm(*o);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace ragcache::app
