// Metrics registry behind GET /metrics (Prometheus text exposition format 0.0.4).
//
// Families (a name, help text, label names) hold children (one per set of label values). A hot
// path resolves its child once (`family.with({"hit"})`, a lookup under a mutex) and keeps the
// reference: children never move or die while the registry lives, and updating one is a relaxed
// atomic operation, cheap from any number of io threads. Rendering walks everything under the
// same mutexes; it happens once per scrape.
//
// Every name gets the registry prefix (`ragcache_` by default). Names and label names are checked
// when registered: a bad name is a programming error and throws std::invalid_argument at
// start-up, never later on a request path.
#pragma once

#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace ragcache::http {

// Monotonic count (requests, errors, tokens saved). Name families of counters `..._total`.
class Counter {
 public:
  void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// A value that goes up and down (connections open, index size).
class Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void add(double d) { value_.fetch_add(d, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Distribution of observations over fixed upper bounds (seconds, by convention), plus sum/count.
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void observe(double v);

  struct Snapshot {
    std::vector<std::uint64_t> cumulative;  // one per bound, then +Inf last
    double sum = 0;
    std::uint64_t count = 0;
  };
  Snapshot snapshot() const;
  const std::vector<double>& upper_bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // bounds_.size() + 1 (the +Inf bucket)
  std::atomic<double> sum_{0};
  std::atomic<std::uint64_t> count_{0};
};

// Latency buckets in seconds, from 0.5 ms (cache hits) to 60 s (slow generations).
std::vector<double> default_latency_buckets();

class FamilyBase {
 public:
  FamilyBase(std::string name, std::string help, std::vector<std::string> label_names, std::string_view type)
      : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)), type_(type) {}
  virtual ~FamilyBase() = default;
  virtual void render(std::string& out) const = 0;
  const std::string& name() const { return name_; }
  std::string_view type() const { return type_; }
  const std::vector<std::string>& label_names() const { return label_names_; }

 protected:
  // `{a="x",b="y"}` (with `extra` label appended, e.g. le="0.1"), or "" without labels.
  std::string label_text(const std::vector<std::string>& values, std::string_view extra = {}) const;
  void render_header(std::string& out) const;

  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
  std::string_view type_;
};

template <class Metric>
class Family : public FamilyBase {
 public:
  using FamilyBase::FamilyBase;

  // The child for these label values (one per label name, in order). Creates it on first use.
  // Throws std::invalid_argument if the number of values does not match the label names.
  Metric& with(std::initializer_list<std::string_view> values) { return with(std::vector<std::string>(values.begin(), values.end())); }
  Metric& with(const std::vector<std::string>& values);

  void render(std::string& out) const override;

 private:
  virtual std::unique_ptr<Metric> make() const {
    if constexpr (std::is_default_constructible_v<Metric>) {
      return std::make_unique<Metric>();
    } else {
      return nullptr;  // overridden (HistogramFamily needs its bounds)
    }
  }

 protected:
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<Metric>> children_;
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;

class HistogramFamily : public Family<Histogram> {
 public:
  HistogramFamily(std::string name, std::string help, std::vector<std::string> label_names,
                  std::vector<double> upper_bounds);

 private:
  std::unique_ptr<Histogram> make() const override { return std::make_unique<Histogram>(bounds_); }
  std::vector<double> bounds_;
};

class MetricsRegistry {
 public:
  explicit MetricsRegistry(std::string prefix = "ragcache_") : prefix_(std::move(prefix)) {}

  // Registers a family, or returns the existing one with the same name (and type and labels).
  // `name` is without the prefix.
  CounterFamily& counter(std::string_view name, std::string_view help, std::vector<std::string> label_names = {});
  GaugeFamily& gauge(std::string_view name, std::string_view help, std::vector<std::string> label_names = {});
  HistogramFamily& histogram(std::string_view name, std::string_view help, std::vector<std::string> label_names = {},
                             std::vector<double> upper_bounds = default_latency_buckets());

  // Prometheus text exposition of every family, in registration order.
  std::string render() const;

  static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

 private:
  template <class F, class Make>
  F& get_or_add(std::string_view name, std::string_view type, const std::vector<std::string>& label_names, Make make);

  std::string prefix_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<FamilyBase>> families_;
};

// Pure helpers, exposed for tests.
std::string format_metric_value(double v);
std::string escape_label_value(std::string_view v);
bool is_valid_metric_name(std::string_view name);
bool is_valid_label_name(std::string_view name);

}  // namespace ragcache::http
