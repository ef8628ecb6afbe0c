#include "digits_api.h"

#include <algorithm>

#include "form.h"
#include "pages.h"
#include "pidigits/digits.h"
#include "pidigits/flags.h"
#include "pidigits/lifecycle.h"
#include "search_index.h"
#include "validation.h"
#include "views.h"

namespace pidigits::fcgi {
namespace {
// A range of decimals never changes: any cache may keep it for a year.
constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
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

// Validate-or-reply for the search query; *reply is a JSON 400.
bool search_query_or_reply(const HttpRequest& request, std::string* q, Response* reply) {
  std::string error;
  if (parse_search_query(request.query, q, &error)) return true;
  *reply = json_error(400, error);
  return false;
}

// Searches the stored decimals with the process's index (search_index.h).
Result<SearchAnswer> search_stored(App& app, std::string_view q) {
  return app.cache.search->search(app.redis, app.config.search_max_digits, q);
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

// GET /api/digits?start=K&count=C -> 200 {"start", "count", "digits"} | 400 | 404 | 503
Response get_digits(const HttpRequest& request, App& app) {
  uint64_t start = 0, count = 0;
  std::string error;
  if (!parse_digits_query(request.query, &start, &count, &error)) return json_error(400, error);
  auto stored = lifecycle::digits_info(app.redis);
  if (!stored.ok()) return redis_unavailable_json("digits length", stored.status().message());
  const uint64_t last = start + count - 1;
  if (last > stored->decimals()) {
    std::string message = "decimals " + std::to_string(start) + " to " + std::to_string(last) +
                          " are not all stored: the largest stored position is " +
                          std::to_string(stored->decimals()) + "; ";
    if (last <= app.config.max_digits) {
      message += "to get more, create a task with POST /api/tasks {\"n\": " +
                 std::to_string(last) + "}";
    } else {
      message += "this service computes at most " + std::to_string(app.config.max_digits) +
                 " decimals";
    }
    return json_error(404, message);
  }
  // "3." precedes the decimals: decimal k is at offset k + 1.
  auto text = digits::read(app.redis, *stored, start + 1, count);
  if (!text.ok()) return redis_unavailable_json("digits", text.status().message());
  Response response =
      json_response(200, nlohmann::json{{"start", start}, {"count", count}, {"digits", *text}});
  response.cache_control = kImmutable;
  return response;
}

// GET /api/search?q=DIGITS -> 200 {"q", "position" (1-based) | null, "searched"} | 400 | 503
Response search_digits(const HttpRequest& request, App& app) {
  std::string q;
  Response refused;
  if (!search_query_or_reply(request, &q, &refused)) return refused;
  auto answer = search_stored(app, q);
  if (!answer.ok()) return redis_unavailable_json("digit search", answer.status().message());
  nlohmann::json body{{"q", q}, {"position", nullptr}, {"searched", answer->searched}};
  if (answer->position != 0) body["position"] = answer->position;
  return json_response(200, body);
}

// GET /find?q=DIGITS -> 303 to /pi/L?from=P (the window that starts with the
// match) | 404 page (not found) | 400 page | 503 page
Response find_page(const HttpRequest& request, App& app) {
  std::string q, error;
  if (!parse_search_query(request.query, &q, &error)) {
    return error_page(app, 400, "Bad request", error);
  }
  auto answer = search_stored(app, q);
  if (!answer.ok()) return redis_unavailable_page(app, "digit search", answer.status().message());
  if (answer->position == 0) {
    return error_page(app, 404, "Not found in π",
                      "The digits " + q + " do not occur in the first " +
                          display_count(answer->searched) +
                          " decimals of π, all that this service has stored and searched.");
  }
  // The pi page of all searched decimals (its n is at most PI_MAX_DIGITS, and
  // never before the end of the match), from the match's first decimal.
  const uint64_t match_end = answer->position + q.size() - 1;
  const uint64_t n = std::max(match_end, std::min(answer->searched, app.config.max_digits));
  return redirect(303, "/pi/" + std::to_string(n) + "?from=" + std::to_string(answer->position));
}

}  // namespace pidigits::fcgi
