// The Prometheus text exposition format (version 0.0.4), written by hand:
// each family once with # HELP and # TYPE, then its samples; label values
// escaped (\\, \", \n); histograms as cumulative _bucket{le} lines ending in
// le="+Inf", then _sum and _count. Pure: no Redis, no FastCGI.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pidigits::fcgi {

// The Content-Type of the format.
inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

using Labels = std::vector<std::pair<std::string, std::string>>;

// A histogram's figures: counts[i] observations <= bounds[i] (cumulative, as
// Prometheus keeps them), count of all (the +Inf bucket) and their sum.
struct Histogram {
  std::vector<double> bounds;
  std::vector<uint64_t> counts;  // same size as bounds
  uint64_t count = 0;
  double sum = 0;
};

class MetricsText {
 public:
  // Starts a family: "# HELP name help" and "# TYPE name type" (type counter,
  // gauge or histogram).
  void family(std::string_view name, std::string_view type, std::string_view help);
  // name{labels} value
  void sample(std::string_view name, const Labels& labels, double value);
  void sample(std::string_view name, double value) { sample(name, {}, value); }
  // name_bucket{le=...}..., name_sum, name_count. REQUIRES: bounds ascending.
  void histogram(std::string_view name, const Histogram& h);

  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

// 3 -> "3", 0.25 -> "0.25", 1e-07 -> "1e-07": integers without a point, others
// with the shortest text that reads back the same.
std::string format_value(double value);
// A label value with \\, \" and \n escaped.
std::string escape_label(std::string_view value);

}  // namespace pidigits::fcgi
