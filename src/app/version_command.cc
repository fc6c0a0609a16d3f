#include <CLI/CLI.hpp>
#include <iostream>

#include "app/commands.h"
#include "app/version.h"

namespace ragcache::app {

void add_version_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("version", "Print the ragcache version and exit");
  cmd->callback([] { std::cout << "ragcache " << kVersion << "\n"; });
}

}  // namespace ragcache::app
