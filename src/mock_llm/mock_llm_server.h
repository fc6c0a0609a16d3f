// Test helper (header-only, for *_itest.cc): an in-process mock-llm (mock_llm.h) served by a
// TestServer on a free port, with /healthz.
#pragma once

#include "mock_llm/mock_llm.h"
#include "http/standard_routes.h"
#include "http/testing/test_server.h"

namespace ragcache::mock::testing {

struct MockLlmServer {
  explicit MockLlmServer(MockLlmOptions o = {}) : mock(std::move(o)), server(routes()) {}
  http::Router routes() {
    http::Router r;
    http::add_health_route(r);
    mock.add_routes(r);
    return r;
  }
  MockLlm mock;  // declared first: the server's routes point at it
  http::testing::TestServer server;
};

}  // namespace ragcache::mock::testing
