// ragcache: the cache and state layer for RAG / LLM applications.
// `ragcache --help` lists the commands; each is registered in its own *_command.cc.
#include <CLI/CLI.hpp>

#include "app/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"ragcache: cache and state layer for RAG and LLM applications, on Redis"};
  app.require_subcommand(1);
  ragcache::app::add_serve_command(app);
  ragcache::app::add_version_command(app);
  ragcache::app::add_doctor_command(app);
  ragcache::app::add_session_command(app);
  ragcache::app::add_eval_semantic_command(app);
  ragcache::app::add_mock_llm_command(app);
  ragcache::app::add_tokens_command(app);
  ragcache::app::add_hot_command(app);
  ragcache::app::add_docs_command(app);
  ragcache::app::add_keys_command(app);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
