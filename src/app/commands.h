// Every `ragcache <command>` registers itself on the CLI11 app through one function here.
// main.cc calls them all; each lives in its own <name>_command.cc.
#pragma once

namespace CLI {
class App;
}

namespace ragcache::app {

void add_version_command(CLI::App& app);
void add_serve_command(CLI::App& app);
void add_doctor_command(CLI::App& app);
void add_session_command(CLI::App& app);
void add_eval_semantic_command(CLI::App& app);
void add_mock_llm_command(CLI::App& app);
void add_tokens_command(CLI::App& app);
void add_hot_command(CLI::App& app);
void add_docs_command(CLI::App& app);
void add_keys_command(CLI::App& app);

}  // namespace ragcache::app
