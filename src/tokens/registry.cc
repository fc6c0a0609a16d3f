#include "tokens/registry.h"

#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <system_error>

#include "tokens/errors.h"
#include "tokens/pattern.h"
#include "tokens/rank_file.h"

#ifndef RAGCACHE_SOURCE_TREE
#define RAGCACHE_SOURCE_TREE ""
#endif

namespace ragcache::tokens {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kNpmEncoders = "tools/node/node_modules/tiktoken/encoders";
constexpr int kParentLevels = 6;

struct BuiltinDefinition {
  std::string_view name;
  std::string_view pattern;
  std::vector<std::pair<std::string, Rank>> special_tokens;
};

// OpenAI's definitions (tiktoken_ext/openai_public.py).
const BuiltinDefinition* find_builtin(std::string_view name) {
  static const std::vector<BuiltinDefinition> kBuiltins = {
      {"cl100k_base",
       kCl100kPattern,
       {{"<|endoftext|>", 100257},
        {"<|fim_prefix|>", 100258},
        {"<|fim_middle|>", 100259},
        {"<|fim_suffix|>", 100260},
        {"<|endofprompt|>", 100276}}},
      {"o200k_base", kO200kPattern, {{"<|endoftext|>", 199999}, {"<|endofprompt|>", 200018}}},
  };
  for (const auto& b : kBuiltins) {
    if (b.name == name) return &b;
  }
  return nullptr;
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

bool is_file(const std::string& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

bool plausible_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) return false;
  }
  return name != "." && name != "..";
}

// What to do about a missing rank file, for the error message.
std::string missing_file_advice(std::string_view name, const SearchRoots& roots) {
  const std::string files = std::string(name) + ".tiktoken or " + std::string(name) + ".json";
  if (roots.env_dir) {
    return "put " + files + " into " + std::string(kTiktokenDirEnv) + "=" + *roots.env_dir +
           ", or unset it to use the npm package";
  }
  const std::string tools =
      (roots.source_tree.empty() ? std::string("<ragcache source>") : roots.source_tree) + "/tools/node";
  return "run `npm install tiktoken` in " + tools + " (scripts/test.sh does), or set " +
         std::string(kTiktokenDirEnv) + " to a directory holding " + files + ", or pass --rank-file";
}

}  // namespace

SearchRoots current_search_roots() {
  SearchRoots roots;
  if (const char* env = std::getenv(std::string(kTiktokenDirEnv).c_str()); env != nullptr && *env != '\0') {
    roots.env_dir = env;
  }
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) roots.exe_dir = exe.parent_path().string();
  roots.source_tree = RAGCACHE_SOURCE_TREE;
  const fs::path cwd = fs::current_path(ec);
  if (!ec) roots.working_dir = cwd.string();
  return roots;
}

std::vector<std::string> rank_file_candidates(std::string_view name, const SearchRoots& roots) {
  const std::string tiktoken = std::string(name) + ".tiktoken";
  const std::string json = std::string(name) + ".json";
  std::vector<std::string> out;
  auto both = [&](const fs::path& dir) {
    out.push_back((dir / tiktoken).string());
    out.push_back((dir / json).string());
  };
  if (roots.env_dir) {
    both(*roots.env_dir);
    return out;
  }
  if (!roots.exe_dir.empty()) {
    const fs::path exe_dir = roots.exe_dir;
    both(exe_dir / "tiktoken");
    both(exe_dir / ".." / "share" / "ragcache" / "tiktoken");
    fs::path dir = exe_dir;
    for (int level = 0; level <= kParentLevels; ++level) {
      out.push_back((dir / kNpmEncoders / json).string());
      if (!dir.has_parent_path() || dir.parent_path() == dir) break;
      dir = dir.parent_path();
    }
  }
  if (!roots.source_tree.empty()) out.push_back((fs::path(roots.source_tree) / kNpmEncoders / json).string());
  if (!roots.working_dir.empty()) {
    out.push_back((fs::path(roots.working_dir) / "node_modules/tiktoken/encoders" / json).string());
    out.push_back((fs::path(roots.working_dir) / kNpmEncoders / json).string());
  }
  return out;
}

Result<std::shared_ptr<const Encoding>> load_encoding(std::string_view name, const LoadOptions& options) {
  if (!options.rank_file.empty()) return load_encoding(name, options, SearchRoots{});
  return load_encoding(name, options, current_search_roots());
}

Result<std::shared_ptr<const Encoding>> load_encoding(std::string_view name, const LoadOptions& options,
                                                      const SearchRoots& roots) {
  const BuiltinDefinition* builtin = find_builtin(name);
  std::string path = options.rank_file;
  if (path.empty()) {
    if (!plausible_name(name)) {
      return Error(Errc::unknown_encoding, "'" + std::string(name) + "' (known: cl100k_base, o200k_base)");
    }
    const auto candidates = rank_file_candidates(name, roots);
    for (const auto& c : candidates) {
      if (is_file(c)) {
        path = c;
        break;
      }
    }
    if (path.empty()) {
      const std::string how = missing_file_advice(name, roots);
      return Error(Errc::rank_file_missing, "no rank file for " + std::string(name) + "; " + how +
                                                ". Looked at: " + join(candidates, ", "));
    }
  }
  auto data = load_rank_file(path);
  if (!data) {
    if (data.error().code == make_error_code(Errc::rank_file_missing)) {
      return Error(Errc::rank_file_missing, data.error().detail + " (rank file for " + std::string(name) +
                                                "; `npm install tiktoken` provides encoders/" +
                                                std::string(name) + ".json)");
    }
    return data.error();
  }
  std::string pattern;
  std::vector<std::pair<std::string, Rank>> specials;
  if (data->pattern) {
    pattern = *data->pattern;
    specials = std::move(data->special_tokens);
  } else if (builtin != nullptr) {
    pattern = std::string(builtin->pattern);
    specials = builtin->special_tokens;
  } else {
    return Error(Errc::unknown_encoding, "'" + std::string(name) + "': " + path +
                                             " has no pattern and the name has no built-in definition");
  }
  return Encoding::create(std::string(name), std::move(data->ranks), pattern, std::move(specials));
}

Result<std::shared_ptr<const Encoding>> get_encoding(std::string_view name, const LoadOptions& options) {
  static std::mutex mutex;
  static std::map<std::pair<std::string, std::string>, std::shared_ptr<const Encoding>> cache;
  const std::pair<std::string, std::string> key{std::string(name), options.rank_file};
  // Holding the lock while loading makes concurrent first callers wait for one load, not race.
  std::lock_guard lock(mutex);
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  auto loaded = load_encoding(name, options);
  if (!loaded) return loaded.error();
  cache.emplace(key, *loaded);
  return *loaded;
}

}  // namespace ragcache::tokens
