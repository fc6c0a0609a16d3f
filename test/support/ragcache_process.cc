#include "support/ragcache_process.h"

#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/free_port.h"
#include "support/time_scale.h"

namespace ragcache::testing {
namespace {

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

std::string temp_file(const std::string& stem) {
  static int counter = 0;
  return (std::filesystem::temp_directory_path() /
          (stem + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++)))
      .string();
}

}  // namespace

std::string header_value(const std::string& headers, const std::string& name) {
  auto lower = [](std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  const std::string text = lower(headers);
  const auto pos = text.find("\n" + lower(name) + ":");
  if (pos == std::string::npos) return {};
  const auto start = pos + name.size() + 2;
  std::string v = headers.substr(start, headers.find("\r\n", start) - start);
  v.erase(0, v.find_first_not_of(' '));
  return v;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string run_command(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ::pclose(p);
  return out;
}

int http_request(const std::string& method, const std::string& url, const std::string& body,
                 const std::vector<std::string>& headers, std::string* response_body, std::string* response_headers) {
  const std::string body_file = temp_file("rc-body"), out_file = temp_file("rc-out"), hdr_file = temp_file("rc-hdr");
  const auto max_seconds = std::chrono::duration_cast<std::chrono::seconds>(scaled(std::chrono::seconds(30)));
  std::string cmd = "curl -s -m " + std::to_string(max_seconds.count()) + " -o " + out_file + " -D " +
                    hdr_file + " -w '%{http_code}' -X " + method;
  for (const auto& h : headers) cmd += " -H " + shell_quote(h);
  if (!body.empty()) {
    std::ofstream(body_file, std::ios::binary) << body;
    cmd += " -H 'Content-Type: application/json' --data-binary @" + body_file;
  }
  cmd += " " + shell_quote(url);
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return -1;
  char buf[16] = {0};
  std::size_t n = std::fread(buf, 1, sizeof buf - 1, p);
  ::pclose(p);
  if (response_body) *response_body = read_file(out_file);
  if (response_headers) *response_headers = read_file(hdr_file);
  std::filesystem::remove(body_file);
  std::filesystem::remove(out_file);
  std::filesystem::remove(hdr_file);
  int status = n > 0 ? std::atoi(buf) : 0;
  return status == 0 ? -1 : status;
}

RagcacheProcess::RagcacheProcess(std::vector<std::string> args, std::string ready_path) {
  log_path_ = temp_file("ragcache-process") + ".log";
  for (int attempt = 0; attempt < 3; ++attempt) {
    port_ = free_port();
    std::vector<std::string> argv = {ragcache_binary()};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--listen", "127.0.0.1:" + std::to_string(port_)});
    process_ = Process(argv, log_path_);
    auto deadline = std::chrono::steady_clock::now() + scaled(std::chrono::seconds(20));
    while (std::chrono::steady_clock::now() < deadline) {
      if (http_request("GET", base_url() + ready_path) == 200) return;
      if (process_.wait_exit(0)) break;  // exited: e.g. the port was taken in between
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    process_.stop(9);
  }
  throw std::runtime_error("ragcache did not become ready; log:\n" + read_file(log_path_));
}

}  // namespace ragcache::testing
