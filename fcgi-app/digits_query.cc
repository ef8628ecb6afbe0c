#include "digits_query.h"

#include <algorithm>
#include <initializer_list>

#include "form.h"
#include "pidigits/flags.h"
#include "validation.h"

namespace pidigits::fcgi {
namespace {
// Largest start accepted: far beyond any stored digits, small enough that
// start + count cannot overflow.
constexpr uint64_t kMaxStart = 1ull << 62;

// Refuses any parameter not in `allowed` (a misspelt one must not be ignored).
bool only_known(const FormFields& fields, std::initializer_list<std::string_view> allowed,
                std::string_view takes, std::string* error) {
  for (const auto& field : fields) {
    if (std::find(allowed.begin(), allowed.end(), field.first) == allowed.end()) {
      *error = "unknown parameter " + quote_for_message(field.first) + "; " + std::string(takes);
      return false;
    }
  }
  return true;
}

// The single, non-empty value of `name`, or false with *error set.
bool required_field(const FormFields& fields, std::string_view name, std::string_view what,
                    std::string* value, std::string* error) {
  bool duplicate = false;
  auto found = single_field(fields, name, &duplicate);
  if (duplicate) {
    *error = std::string(name) + " is given more than once";
    return false;
  }
  if (!found || found->empty()) {
    *error = std::string(name) + " is missing; it must be " + std::string(what);
    return false;
  }
  *value = std::move(*found);
  return true;
}

bool all_digits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}
}  // namespace

bool parse_digits_query(std::string_view query, uint64_t* start, uint64_t* count,
                        std::string* error) {
  const FormFields fields = parse_form(query);
  if (!only_known(fields, {"start", "count"}, "/api/digits takes start and count", error)) {
    return false;
  }
  const std::string count_rule = "an integer from 1 to " + std::to_string(kMaxDigitsCount);
  std::string start_text, count_text;
  if (!required_field(fields, "start", "a decimal position of at least 1", &start_text, error) ||
      !required_field(fields, "count", count_rule, &count_text, error)) {
    return false;
  }
  if (!parse_uint(start_text, 1, kMaxStart, start)) {
    *error = "start must be a decimal position of at least 1 (1 is the first decimal after "
             "\"3.\"); got " + quote_for_message(start_text);
    return false;
  }
  if (!parse_uint(count_text, 1, kMaxDigitsCount, count)) {
    *error = "count must be " + count_rule + "; got " + quote_for_message(count_text);
    return false;
  }
  return true;
}

bool parse_search_query(std::string_view query, std::string* q, std::string* error) {
  const FormFields fields = parse_form(query);
  if (!only_known(fields, {"q"}, "search takes q", error)) return false;
  const std::string rule = "1 to " + std::to_string(kMaxQueryDigits) + " decimal digits (0-9)";
  if (!required_field(fields, "q", rule, q, error)) return false;
  if (q->size() > kMaxQueryDigits || !all_digits(*q)) {
    *error = "q must be " + rule + ", such as 14159; got " + quote_for_message(*q);
    return false;
  }
  return true;
}

}  // namespace pidigits::fcgi
