// Loading encodings by name, once per process: get_encoding("o200k_base") reads and parses the
// rank file on the first call and hands every later caller (any thread) the same immutable
// instance.
//
// Where the rank data comes from (nothing is ever downloaded at run time). For an encoding NAME,
// the first of these that exists is used, either form (NAME.tiktoken from OpenAI, or NAME.json from
// the npm `tiktoken` package; see rank_file.h):
//  1. LoadOptions::rank_file (`ragcache tokens --rank-file PATH`): exactly that file.
//  2. Else, if the environment variable RAGCACHE_TIKTOKEN_DIR is set: DIR/NAME.tiktoken, then
//     DIR/NAME.json, and nowhere else (a user who points somewhere means it).
//  3. Else, next to the executable: EXE_DIR/tiktoken/ and EXE_DIR/../share/ragcache/tiktoken/
//     (NAME.tiktoken, NAME.json); then, for EXE_DIR and each of its parents (up to 6 levels),
//     P/tools/node/node_modules/tiktoken/encoders/NAME.json (a build tree inside the source tree).
//  4. The source tree this library was built from: SRC/tools/node/node_modules/tiktoken/encoders/.
//  5. The working directory: ./node_modules/tiktoken/encoders/ and
//     ./tools/node/node_modules/tiktoken/encoders/.
// None found: Errc::rank_file_missing, listing the places looked at and what to install
// (`npm install tiktoken` in tools/node, which scripts/test.sh and scripts/serve.sh do).
//
// For cl100k_base and o200k_base the pattern and special tokens are built in (a JSON file's own
// pat_str / special_tokens take precedence); other names load only from a JSON encoder file.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "tokens/encoding.h"

namespace ragcache::tokens {

inline constexpr std::string_view kTiktokenDirEnv = "RAGCACHE_TIKTOKEN_DIR";

struct LoadOptions {
  std::string rank_file;  // explicit rank file; empty = search (see above)
};

// The inputs of the search, apart from the file system (so the order is testable).
struct SearchRoots {
  std::optional<std::string> env_dir;  // RAGCACHE_TIKTOKEN_DIR
  std::string exe_dir;                 // directory of the running executable ("" if unknown)
  std::string source_tree;             // the source tree the library was built from
  std::string working_dir;
};

// The roots of this process (environment, /proc/self/exe, build-time source dir, cwd).
SearchRoots current_search_roots();

// Every path the search tries for `name`, in order (case 2-5 above).
std::vector<std::string> rank_file_candidates(std::string_view name, const SearchRoots& roots);

// Loads `name` afresh (no cache). Errc::unknown_encoding for a name without a built-in definition
// whose rank file is not a JSON encoder; Errc::rank_file_missing / rank_file_invalid as above.
Result<std::shared_ptr<const Encoding>> load_encoding(std::string_view name, const LoadOptions& options = {});
// Same, searching from the given roots instead of this process's.
Result<std::shared_ptr<const Encoding>> load_encoding(std::string_view name, const LoadOptions& options,
                                                      const SearchRoots& roots);

// Same, cached per (name, rank_file) for the life of the process; thread-safe. Failures are not
// cached (a later call retries, e.g. after the file was installed).
Result<std::shared_ptr<const Encoding>> get_encoding(std::string_view name, const LoadOptions& options = {});

}  // namespace ragcache::tokens
