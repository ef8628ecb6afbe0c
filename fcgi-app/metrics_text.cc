#include "metrics_text.h"

#include <charconv>
#include <cmath>

namespace pidigits::fcgi {
namespace {
// "# HELP" text escapes only \ and newline.
std::string escape_help(std::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void append_labels(std::string& out, const Labels& labels) {
  if (labels.empty()) return;
  out += '{';
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ',';
    out.append(labels[i].first).append("=\"").append(escape_label(labels[i].second)) += '"';
  }
  out += '}';
}
}  // namespace

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, end) : "NaN";
}

std::string escape_label(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void MetricsText::family(std::string_view name, std::string_view type, std::string_view help) {
  text_.append("# HELP ").append(name).append(" ").append(escape_help(help)) += '\n';
  text_.append("# TYPE ").append(name).append(" ").append(type) += '\n';
}

void MetricsText::sample(std::string_view name, const Labels& labels, double value) {
  text_.append(name);
  append_labels(text_, labels);
  text_.append(" ").append(format_value(value)) += '\n';
}

void MetricsText::histogram(std::string_view name, const Histogram& h) {
  const std::string bucket = std::string(name) + "_bucket";
  for (size_t i = 0; i < h.bounds.size(); ++i) {
    sample(bucket, {{"le", format_value(h.bounds[i])}}, static_cast<double>(h.counts[i]));
  }
  sample(bucket, {{"le", "+Inf"}}, static_cast<double>(h.count));
  sample(std::string(name) + "_sum", h.sum);
  sample(std::string(name) + "_count", static_cast<double>(h.count));
}

}  // namespace pidigits::fcgi
