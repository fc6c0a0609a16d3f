#include "tokens/pretokenizer.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <string>

#include "tokens/ascii_scanner.h"
#include "tokens/errors.h"
#include "tokens/pattern.h"

namespace ragcache::tokens {

struct Pretokenizer::Code {
  pcre2_code* code = nullptr;
  bool jit = false;
  PatternFlavor flavor = PatternFlavor::other;
  ~Code() { pcre2_code_free(code); }
};

namespace {

// Per-thread matching state, shared by every pattern (a one-pair match data fits any of them).
// The JIT stack grows up to 8 MiB: backtracking over a very long run of whitespace needs more
// than PCRE2's 32 KiB default.
struct ThreadScratch {
  pcre2_match_data* data = pcre2_match_data_create(1, nullptr);
  pcre2_jit_stack* stack = pcre2_jit_stack_create(32 * 1024, 8 * 1024 * 1024, nullptr);
  pcre2_match_context* context = pcre2_match_context_create(nullptr);
  ThreadScratch() { pcre2_jit_stack_assign(context, nullptr, stack); }
  ~ThreadScratch() {
    pcre2_match_context_free(context);
    pcre2_jit_stack_free(stack);
    pcre2_match_data_free(data);
  }
  ThreadScratch(const ThreadScratch&) = delete;
  ThreadScratch& operator=(const ThreadScratch&) = delete;
};

ThreadScratch& scratch() {
  thread_local ThreadScratch instance;
  return instance;
}

}  // namespace

Result<Pretokenizer> Pretokenizer::compile(std::string_view rust_pattern, bool ascii_fast_path) {
  const auto translated = to_pcre2_pattern(rust_pattern);
  if (!translated) return Error(Errc::bad_pattern, "cannot translate pattern: " + std::string(rust_pattern));
  int error_code = 0;
  PCRE2_SIZE error_offset = 0;
  pcre2_code* code =
      pcre2_compile(reinterpret_cast<PCRE2_SPTR>(translated->data()), translated->size(),
                    PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK, &error_code, &error_offset, nullptr);
  if (code == nullptr) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error_code, message, sizeof message);
    return Error(Errc::bad_pattern, std::string(reinterpret_cast<const char*>(message)) + " at offset " +
                                        std::to_string(error_offset) + " of " + *translated);
  }
  auto owned = std::make_shared<Code>();
  owned->code = code;
  // Without JIT (a platform PCRE2 lacks it for) matching still works, only slower.
  owned->jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
  if (ascii_fast_path) owned->flavor = flavor_of(rust_pattern);
  return Pretokenizer(std::move(owned));
}

bool Pretokenizer::find_piece(std::string_view text, std::size_t offset, std::size_t& start,
                              std::size_t& end) const {
  auto next_character = [&](std::size_t i) {
    ++i;
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
    return i;
  };
  ThreadScratch* s = nullptr;
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  while (offset < text.size()) {
    if (code_->flavor != PatternFlavor::other) {
      if (const std::size_t fast_end = ascii_match_end(text, offset, code_->flavor); fast_end != 0) {
        start = offset;
        end = fast_end;
        return true;
      }
    }
    if (s == nullptr) s = &scratch();
    int rc = -1;
    if (code_->jit) rc = pcre2_jit_match(code_->code, subject, text.size(), offset, 0, s->data, s->context);
    if (!code_->jit || rc == PCRE2_ERROR_JIT_STACKLIMIT) {
      rc = pcre2_match(code_->code, subject, text.size(), offset, PCRE2_NO_UTF_CHECK, s->data, s->context);
    }
    if (rc == PCRE2_ERROR_NOMATCH) return false;
    if (rc < 0) {
      // A resource limit (not seen with the OpenAI patterns, even on megabytes of one character):
      // rather than drop the rest of the text, make the next character a piece of its own.
      start = offset;
      end = next_character(offset);
      return true;
    }
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(s->data);
    start = ov[0];
    end = ov[1];
    if (end > start) return true;
    // An empty match cannot happen with the OpenAI patterns (every alternative consumes a
    // character); a custom pattern's is skipped, one character on, so nothing loops forever.
    offset = next_character(start);
  }
  return false;
}

}  // namespace ragcache::tokens
