#include "http/metrics.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>
#include <vector>

namespace ragcache::http {
namespace {

TEST(Metrics, CounterWithLabelsRendersHelpTypeAndOneLinePerChild) {
  MetricsRegistry reg;
  auto& requests = reg.counter("requests_total", "Requests by cache result", {"cache"});
  requests.with({"hit"}).inc(3);
  requests.with({"miss"}).inc();
  EXPECT_EQ(reg.render(),
            "# HELP ragcache_requests_total Requests by cache result\n"
            "# TYPE ragcache_requests_total counter\n"
            "ragcache_requests_total{cache=\"hit\"} 3\n"
            "ragcache_requests_total{cache=\"miss\"} 1\n");
}

TEST(Metrics, SameChildIsReturnedForSameLabels) {
  MetricsRegistry reg;
  auto& fam = reg.counter("x_total", "x", {"a"});
  Counter& c1 = fam.with({"v"});
  Counter& c2 = fam.with({"v"});
  EXPECT_EQ(&c1, &c2);
  EXPECT_NE(&c1, &fam.with({"w"}));
}

TEST(Metrics, GaugeWithoutLabels) {
  MetricsRegistry reg;
  auto& g = reg.gauge("open_connections", "Open client connections").with({});
  g.set(5);
  g.add(-2);
  g.add(0.5);
  EXPECT_EQ(reg.render(),
            "# HELP ragcache_open_connections Open client connections\n"
            "# TYPE ragcache_open_connections gauge\n"
            "ragcache_open_connections 3.5\n");
}

TEST(Metrics, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  MetricsRegistry reg;
  auto& h = reg.histogram("request_duration_seconds", "Duration", {"route"}, {0.125, 1}).with({"chat"});
  h.observe(0.0625);
  h.observe(0.125);  // le is inclusive
  h.observe(0.5);
  h.observe(7);
  EXPECT_EQ(reg.render(),
            "# HELP ragcache_request_duration_seconds Duration\n"
            "# TYPE ragcache_request_duration_seconds histogram\n"
            "ragcache_request_duration_seconds_bucket{route=\"chat\",le=\"0.125\"} 2\n"
            "ragcache_request_duration_seconds_bucket{route=\"chat\",le=\"1\"} 3\n"
            "ragcache_request_duration_seconds_bucket{route=\"chat\",le=\"+Inf\"} 4\n"
            "ragcache_request_duration_seconds_sum{route=\"chat\"} 7.6875\n"
            "ragcache_request_duration_seconds_count{route=\"chat\"} 4\n");
}

TEST(Metrics, LabelValuesAndHelpAreEscaped) {
  MetricsRegistry reg;
  reg.counter("e_total", "line1\nback\\slash", {"q"}).with({"say \"hi\"\n\\"}).inc();
  std::string text = reg.render();
  EXPECT_NE(text.find("# HELP ragcache_e_total line1\\nback\\\\slash\n"), std::string::npos) << text;
  EXPECT_NE(text.find("ragcache_e_total{q=\"say \\\"hi\\\"\\n\\\\\"} 1\n"), std::string::npos) << text;
}

TEST(Metrics, RegisteringTwiceReturnsSameFamilyButConflictsThrow) {
  MetricsRegistry reg;
  auto& a = reg.counter("c_total", "c", {"x"});
  auto& b = reg.counter("c_total", "c", {"x"});
  EXPECT_EQ(&a, &b);
  EXPECT_THROW(reg.gauge("c_total", "c", {"x"}), std::invalid_argument);
  EXPECT_THROW(reg.counter("c_total", "c", {"y"}), std::invalid_argument);
}

TEST(Metrics, InvalidNamesAndLabelCountsThrow) {
  MetricsRegistry reg;
  EXPECT_THROW(reg.counter("bad-name", "x"), std::invalid_argument);
  EXPECT_THROW(reg.counter("ok_total", "x", {"le"}), std::invalid_argument);
  EXPECT_THROW(reg.counter("ok2_total", "x", {"9x"}), std::invalid_argument);
  auto& fam = reg.counter("two_total", "x", {"a", "b"});
  EXPECT_THROW(fam.with({"only-one"}), std::invalid_argument);
}

TEST(Metrics, ValueFormatting) {
  EXPECT_EQ(format_metric_value(1), "1");
  EXPECT_EQ(format_metric_value(0.25), "0.25");
  EXPECT_EQ(format_metric_value(1.0 / 0.0), "+Inf");
  EXPECT_EQ(format_metric_value(-1.0 / 0.0), "-Inf");
  EXPECT_EQ(format_metric_value(0.0 / 0.0), "NaN");
}

TEST(Metrics, ConcurrentUpdatesFromManyThreadsAreAllCounted) {
  MetricsRegistry reg;
  auto& fam = reg.counter("n_total", "n", {"t"});
  auto& hist = reg.histogram("d_seconds", "d", {}, {0.5}).with({});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        fam.with({"shared"}).inc();
        hist.observe(i % 2 ? 1.0 : 0.0);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(fam.with({"shared"}).value(), 40000u);
  auto snap = hist.snapshot();
  EXPECT_EQ(snap.count, 40000u);
  EXPECT_EQ(snap.cumulative[0], 20000u);
  EXPECT_DOUBLE_EQ(snap.sum, 20000.0);
}

}  // namespace
}  // namespace ragcache::http
