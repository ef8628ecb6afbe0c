// application/x-www-form-urlencoded parsing, shared by query strings and form
// bodies. Pure functions: no FastCGI, no Redis (the fuzzer drives them).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pidigits::fcgi {

// Decodes %XX and '+' (space). A '%' not followed by two hex digits is kept as is.
std::string url_decode(std::string_view text);

// "a=1&b=2&a" -> {{"a","1"},{"b","2"},{"a",""}}, names and values decoded, in
// order (duplicates kept so callers can reject them). Empty pieces are skipped.
// At most kMaxFields pairs are returned; the rest are ignored.
using FormFields = std::vector<std::pair<std::string, std::string>>;
FormFields parse_form(std::string_view text);
inline constexpr size_t kMaxFields = 64;

// The single value of `name`. nullopt when absent; sets *duplicate when the
// name appears more than once (the value returned is then the first one).
std::optional<std::string> single_field(const FormFields& fields, std::string_view name,
                                        bool* duplicate);

}  // namespace pidigits::fcgi
