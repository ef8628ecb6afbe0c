// Turning untrusted request text into validated values: n from a JSON or form
// body or a path segment, list and window parameters from a query string.
// Pure functions (no FastCGI, no Redis) so that the fuzzer can drive them.
// On failure each sets a message a person can act on; whatever part of the
// input it quotes is trimmed and reduced to printable ASCII.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace pidigits::fcgi {

// Largest body read from a request; one byte more means "too large" (413).
inline constexpr size_t kMaxBodyBytes = 4096;

// Default and maximum page size of GET /api/tasks.
inline constexpr uint64_t kDefaultListLimit = 50;
inline constexpr uint64_t kMaxListLimit = 500;

// `raw` in double quotes, at most 40 characters (then "..."), bytes outside
// printable ASCII replaced by '?': safe to put in a JSON or HTML message.
std::string quote_for_message(std::string_view raw);
// The same without the quotes.
std::string shorten(std::string_view raw);

// "n must be an integer from 1 to MAX; got <got>".
std::string n_range_message(uint64_t max, std::string_view got);

// n as decimal text (path segment, ?from=): digits only, 1..max.
bool parse_n_text(std::string_view text, uint64_t max, uint64_t* n, std::string* error);

// n as a person types it in a form field (UTF-8), 1..max. The one rule for
// typed numbers (docs/CONTRACTS.md, "Typed numbers"): spaces around it are
// ignored; fullwidth digits (U+FF10..U+FF19) count as digits; digits may be
// grouped by threes with commas or spaces ("1,000", "1 000", "1 000 000", also
// no-break and thin spaces, the fullwidth comma). Anything else is refused
// with a sentence that says what to type. The JSON API does not use this rule:
// there n is a JSON integer, nothing else.
bool parse_typed_n(std::string_view text, uint64_t max, uint64_t* n, std::string* error);

// Why a body was refused: 400 (bad content) or 415 (a content type that is
// neither JSON nor a form; a missing Content-Type counts as unknown).
struct BodyError {
  int status = 400;
  std::string message;
};

// The body of POST /api/tasks: {"n": N} (application/json; n a JSON integer,
// other fields ignored, n given twice refused) or n=N (form). REQUIRES:
// body.size() <= kMaxBodyBytes (the caller answers 413 above that).
bool parse_task_body(std::string_view content_type, std::string_view body, uint64_t max,
                     uint64_t* n, BodyError* error);

// Query of GET /api/tasks and GET /: limit (1..kMaxListLimit, default 50),
// before (a task id >= 1; 0 means "from the newest") and status ("" for all, or
// one of queued, running, done, error, cancelled). Empty values count as absent.
// Any other parameter is refused (a misspelt filter must not silently list all).
struct ListQuery {
  uint64_t limit = kDefaultListLimit;
  uint64_t before = 0;
  std::string status;
};
bool parse_list_query(std::string_view query, ListQuery* out, std::string* error);

// ?from=K of GET /pi/N: 1 <= K <= n; 0 when absent.
bool parse_from_query(std::string_view query, uint64_t n, uint64_t* from, std::string* error);

// Path of a digits page: "/pi/N" or "/pi/N.txt". Returns false when `path` is
// not under /pi/ at all; otherwise sets *n_text (unvalidated) and *txt.
bool split_pi_path(std::string_view path, std::string_view* n_text, bool* txt);

// "/api/tasks/N": false when `path` is not of that shape; sets *n_text (unvalidated).
bool split_task_path(std::string_view path, std::string_view* n_text);

}  // namespace pidigits::fcgi
