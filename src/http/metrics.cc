#include "http/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ragcache::http {

Histogram::Histogram(std::vector<double> upper_bounds) : bounds_(std::move(upper_bounds)) {
  std::sort(bounds_.begin(), bounds_.end());
  bounds_.erase(std::unique(bounds_.begin(), bounds_.end()), bounds_.end());
  // +Inf is implicit: drop it if the caller listed it.
  while (!bounds_.empty() && std::isinf(bounds_.back())) bounds_.pop_back();
  buckets_ = std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1);
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double v) {
  // Buckets are "less or equal": the first bound >= v.
  std::size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin();
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.cumulative.resize(bounds_.size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative[i] = running;
  }
  s.sum = sum_.load(std::memory_order_relaxed);
  // count is the +Inf bucket, so the exposition stays consistent even while observations race.
  s.count = running;
  return s;
}

std::vector<double> default_latency_buckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
}

std::string format_metric_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}

std::string escape_label_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out.push_back(c);
  }
  return out;
}

namespace {

std::string escape_help(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out.push_back(c);
  }
  return out;
}

bool is_name_char(char c, bool first, bool allow_colon) {
  bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':');
  return first ? alpha : (alpha || (c >= '0' && c <= '9'));
}

}  // namespace

bool is_valid_metric_name(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (!is_name_char(name[i], i == 0, true)) return false;
  }
  return true;
}

bool is_valid_label_name(std::string_view name) {
  if (name.empty() || name.starts_with("__")) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (!is_name_char(name[i], i == 0, false)) return false;
  }
  return name != "le";  // reserved for histogram buckets
}

std::string FamilyBase::label_text(const std::vector<std::string>& values, std::string_view extra) const {
  if (values.empty() && extra.empty()) return {};
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += label_names_[i];
    out += "=\"";
    out += escape_label_value(values[i]);
    out += '"';
  }
  if (!extra.empty()) {
    if (!values.empty()) out += ',';
    out += extra;
  }
  out += '}';
  return out;
}

void FamilyBase::render_header(std::string& out) const {
  out += "# HELP ";
  out += name_;
  out += ' ';
  out += escape_help(help_);
  out += "\n# TYPE ";
  out += name_;
  out += ' ';
  out += type_;
  out += '\n';
}

template <class Metric>
Metric& Family<Metric>::with(const std::vector<std::string>& values) {
  if (values.size() != label_names_.size()) {
    throw std::invalid_argument(fmt::format("metric {} takes {} label values, got {}", name_, label_names_.size(),
                                            values.size()));
  }
  std::lock_guard lock(mu_);
  auto it = children_.find(values);
  if (it == children_.end()) it = children_.emplace(values, make()).first;
  return *it->second;
}

template <class Metric>
void Family<Metric>::render(std::string& out) const {
  render_header(out);
  std::lock_guard lock(mu_);
  for (const auto& [values, metric] : children_) {
    if constexpr (std::is_same_v<Metric, Histogram>) {
      auto snap = metric->snapshot();
      const auto& bounds = metric->upper_bounds();
      for (std::size_t i = 0; i <= bounds.size(); ++i) {
        std::string le = "le=\"" + (i < bounds.size() ? format_metric_value(bounds[i]) : std::string("+Inf")) + "\"";
        out += fmt::format("{}_bucket{} {}\n", name_, label_text(values, le), snap.cumulative[i]);
      }
      out += fmt::format("{}_sum{} {}\n", name_, label_text(values), format_metric_value(snap.sum));
      out += fmt::format("{}_count{} {}\n", name_, label_text(values), snap.count);
    } else if constexpr (std::is_same_v<Metric, Counter>) {
      out += fmt::format("{}{} {}\n", name_, label_text(values), metric->value());
    } else {
      out += fmt::format("{}{} {}\n", name_, label_text(values), format_metric_value(metric->value()));
    }
  }
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

HistogramFamily::HistogramFamily(std::string name, std::string help, std::vector<std::string> label_names,
                                 std::vector<double> upper_bounds)
    : Family<Histogram>(std::move(name), std::move(help), std::move(label_names), "histogram"),
      bounds_(std::move(upper_bounds)) {}

template <class F, class Make>
F& MetricsRegistry::get_or_add(std::string_view name, std::string_view type, const std::vector<std::string>& label_names,
                               Make make) {
  std::string full = prefix_ + std::string(name);
  if (!is_valid_metric_name(full)) throw std::invalid_argument("invalid metric name: " + full);
  for (const auto& l : label_names) {
    if (!is_valid_label_name(l)) throw std::invalid_argument("invalid label name '" + l + "' on metric " + full);
  }
  std::lock_guard lock(mu_);
  for (auto& f : families_) {
    if (f->name() != full) continue;
    auto* typed = dynamic_cast<F*>(f.get());
    if (!typed || f->type() != type || f->label_names() != label_names) {
      throw std::invalid_argument("metric " + full + " registered twice with a different type or labels");
    }
    return *typed;
  }
  families_.push_back(make(std::move(full)));
  return static_cast<F&>(*families_.back());
}

CounterFamily& MetricsRegistry::counter(std::string_view name, std::string_view help,
                                        std::vector<std::string> label_names) {
  return get_or_add<CounterFamily>(name, "counter", label_names, [&](std::string full) {
    return std::make_unique<CounterFamily>(std::move(full), std::string(help), label_names, "counter");
  });
}

GaugeFamily& MetricsRegistry::gauge(std::string_view name, std::string_view help, std::vector<std::string> label_names) {
  return get_or_add<GaugeFamily>(name, "gauge", label_names, [&](std::string full) {
    return std::make_unique<GaugeFamily>(std::move(full), std::string(help), label_names, "gauge");
  });
}

HistogramFamily& MetricsRegistry::histogram(std::string_view name, std::string_view help,
                                            std::vector<std::string> label_names, std::vector<double> upper_bounds) {
  return get_or_add<HistogramFamily>(name, "histogram", label_names, [&](std::string full) {
    return std::make_unique<HistogramFamily>(std::move(full), std::string(help), label_names, upper_bounds);
  });
}

std::string MetricsRegistry::render() const {
  std::string out;
  std::lock_guard lock(mu_);
  for (const auto& f : families_) f->render(out);
  return out;
}

}  // namespace ragcache::http
