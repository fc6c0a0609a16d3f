// The scripted OpenAI-compatible upstream (tools/node/e2e/scripted_upstream.mjs) run as a node
// process on a free port for end-to-end tests, killed and reaped by RAII like any Process.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>

#include "support/process.h"

namespace ragcache::testing {

class ScriptedUpstream {
 public:
  // Starts it and waits (up to 20 s) for its /healthz; throws with its log on failure.
  ScriptedUpstream();
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // Model calls per route and case ({"chat:tools": 2, ...}).
  boost::json::object calls() const;
  // Every Authorization header of the last /v1 request, as received.
  boost::json::value last_authorization() const;

 private:
  std::string log_;
  int port_ = 0;
  Process process_;
};

}  // namespace ragcache::testing
