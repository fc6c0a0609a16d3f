// The built `ragcache` executable run as a separate process for end-to-end tests
// (`ragcache serve ...`, `ragcache mock-llm ...`), killed and reaped by RAII like any Process.
#pragma once

#include <string>
#include <vector>

#include "support/process.h"

namespace ragcache::testing {

class RagcacheProcess {
 public:
  // Starts `ragcache <args...> --listen 127.0.0.1:<free port>` and waits (up to scaled(20 s)) until
  // GET <ready_path> answers 200. Output goes to a log file whose tail is in the error on failure.
  RagcacheProcess(std::vector<std::string> args, std::string ready_path = "/healthz");

  int port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::string& log_path() const { return log_path_; }
  Process& process() { return process_; }

 private:
  int port_ = 0;
  std::string log_path_;
  Process process_;
};

// HTTP through the curl command line (the harness's own client; the code under test never uses
// it). Returns the status code and sets *body; -1 when curl could not connect at all.
int http_request(const std::string& method, const std::string& url, const std::string& body = {},
                 const std::vector<std::string>& headers = {}, std::string* response_body = nullptr,
                 std::string* response_headers = nullptr);

// The value of header `name` (case-insensitive) in raw response headers as http_request returns
// them; empty when absent.
std::string header_value(const std::string& headers, const std::string& name);

// Reads the whole of a text file (empty when missing).
std::string read_file(const std::string& path);

// Runs a shell command (popen) and returns what it wrote on stdout (the test's node clients).
std::string run_command(const std::string& command);

}  // namespace ragcache::testing
