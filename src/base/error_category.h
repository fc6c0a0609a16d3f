// An error category defined by a table of its codes' messages, so each layer's errors.cc is just
// that table (what the codes mean), not a category class:
//
//   const boost::system::error_category& category() {
//     static const TableCategory<Errc> instance("redis", {
//         {Errc::ok, "ok"},
//         {Errc::timeout, "Redis command timed out (outcome unknown)"},
//     });
//     return instance;
//   }
//
// A value missing from the table reads "unknown <name> error". The header side of a layer's
// codes: an `enum class Errc`, `category()`, `make_error_code(Errc)` in the layer's namespace,
// and RAGCACHE_ERROR_CODE_ENUM(ns::Errc) (base/error.h) at global scope, so Error(Errc::x) and
// comparisons with error codes work.
#pragma once

#include <boost/system/error_category.hpp>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

namespace ragcache {

template <class E>
class TableCategory final : public boost::system::error_category {
 public:
  TableCategory(const char* name, std::initializer_list<std::pair<E, const char*>> table)
      : name_(name), unknown_(std::string("unknown ") + name + " error") {
    for (const auto& [code, text] : table) {
      const auto i = static_cast<std::size_t>(code);
      if (i >= messages_.size()) messages_.resize(i + 1, nullptr);
      messages_[i] = text;
    }
  }

  const char* name() const noexcept override { return name_; }
  std::string message(int ev) const override {
    if (ev >= 0 && static_cast<std::size_t>(ev) < messages_.size() && messages_[static_cast<std::size_t>(ev)]) {
      return messages_[static_cast<std::size_t>(ev)];
    }
    return unknown_;
  }

 private:
  const char* name_;
  std::string unknown_;
  std::vector<const char*> messages_;  // by code value; null: not in the table
};

}  // namespace ragcache
