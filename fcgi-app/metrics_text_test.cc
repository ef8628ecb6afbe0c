#include "metrics_text.h"

#include <gtest/gtest.h>

#include <limits>

namespace pidigits::fcgi {
namespace {

TEST(MetricsText, ValuesAreShortestText) {
  EXPECT_EQ(format_value(3), "3");
  EXPECT_EQ(format_value(0), "0");
  EXPECT_EQ(format_value(0.25), "0.25");
  EXPECT_EQ(format_value(0.005), "0.005");
  EXPECT_EQ(format_value(1e-7), "1e-07");
  EXPECT_EQ(format_value(123456789012), "123456789012");
  EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_value(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

TEST(MetricsText, LabelValuesAreEscaped) {
  EXPECT_EQ(escape_label(R"(a"b\c)"
                         "\n"),
            R"(a\"b\\c\n)");
  MetricsText m;
  m.family("x_total", "counter", "Things.\nMore \\ things.");
  m.sample("x_total", {{"route", "/pi/{n}"}, {"code", "200"}}, 7);
  m.sample("x_total", {{"route", "say \"hi\""}}, 1);
  EXPECT_EQ(m.text(),
            "# HELP x_total Things.\\nMore \\\\ things.\n"
            "# TYPE x_total counter\n"
            "x_total{route=\"/pi/{n}\",code=\"200\"} 7\n"
            "x_total{route=\"say \\\"hi\\\"\"} 1\n");
}

TEST(MetricsText, HistogramHasCumulativeBucketsInfSumAndCount) {
  MetricsText m;
  m.family("t_seconds", "histogram", "Time.");
  m.histogram("t_seconds", {{0.1, 1}, {2, 5}, 6, 4.5});
  EXPECT_EQ(m.text(),
            "# HELP t_seconds Time.\n"
            "# TYPE t_seconds histogram\n"
            "t_seconds_bucket{le=\"0.1\"} 2\n"
            "t_seconds_bucket{le=\"1\"} 5\n"
            "t_seconds_bucket{le=\"+Inf\"} 6\n"
            "t_seconds_sum 4.5\n"
            "t_seconds_count 6\n");
}

}  // namespace
}  // namespace pidigits::fcgi
