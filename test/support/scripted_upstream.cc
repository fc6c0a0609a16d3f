#include "support/scripted_upstream.h"

#include <unistd.h>

#include <boost/json/parse.hpp>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "support/free_port.h"
#include "support/ragcache_process.h"
#include "support/time_scale.h"

namespace ragcache::testing {

ScriptedUpstream::ScriptedUpstream() {
  log_ = (std::filesystem::temp_directory_path() / ("scripted-upstream-" + std::to_string(::getpid()) + ".log")).string();
  port_ = free_port();
  const std::string script = std::string(RAGCACHE_SOURCE_DIR) + "/tools/node/e2e/scripted_upstream.mjs";
  process_ = Process({"node", script, std::to_string(port_)}, log_);
  if (wait_until([&] { return http_request("GET", url() + "/healthz") == 200; }, std::chrono::seconds(20),
                 std::chrono::milliseconds(50))) {
    return;
  }
  throw std::runtime_error("scripted upstream did not start (node installed? scripts/test.sh installs it):\n" +
                           read_file(log_));
}

boost::json::object ScriptedUpstream::calls() const {
  std::string body;
  http_request("GET", url() + "/__calls", {}, {}, &body);
  return boost::json::parse(body).as_object();
}

boost::json::value ScriptedUpstream::last_authorization() const {
  std::string body;
  http_request("GET", url() + "/__last_authorization", {}, {}, &body);
  return boost::json::parse(body);
}

}  // namespace ragcache::testing
