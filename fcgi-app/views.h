// The views of the page templates (docs/CONTRACTS.md, "Templates"), built as
// JSON and converted to kainjow data by one function, so that the server and
// mustache.js in the browser see the same values with the same truthiness.
//
// The row view is the one view both sides build: row_view() here for the
// rows the server renders, rowView() in frontend/static/rows.js for the rows
// the browser renders from events, both from the task JSON and by the rules
// of docs/CONTRACTS.md ("Row view"). A browser test renders rows both ways.
#pragma once

#include <cstdint>
#include <kainjow/mustache.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "pidigits/display.h"
#include "pidigits/lifecycle.h"
#include "pidigits/task.h"

namespace pidigits::fcgi {

// Digits page layout (CONTRACTS.md): N up to kWholeMax is shown whole, above
// that a window of kWindowDigits; lines of kLineDigits in groups of kGroupDigits.
inline constexpr uint64_t kWholeMax = 10'000;
inline constexpr uint64_t kWindowDigits = 5'000;
inline constexpr uint64_t kLineDigits = 50;
inline constexpr uint64_t kGroupDigits = 10;

// JSON -> kainjow data with mustache.js truthiness: null and "" become false
// (kainjow treats "" as true in a section), numbers become their text.
kainjow::mustache::data to_data(const nlohmann::json& value);

// row.mustache, and the task of pi.mustache: the task JSON's n, id, version,
// status, stage, error and created_at, plus url, n_text, queued, running,
// done, failed, cached, digit_text, progress_pct, created and took.
nlohmann::json row_view(const nlohmann::json& task);

// What the index page lists: the filter, the paging and the counts.
struct IndexListing {
  int64_t seq = 0;
  std::string status;        // "" for all tasks
  uint64_t before = 0;       // 0 on the first page
  uint64_t limit = 0;        // ?limit= as asked (0: the default), kept when paging
  uint64_t next_before = 0;  // 0 when there are no older tasks
  bool has_tasks = false;
  bool has_active = false;                // the "still running" section has rows
  std::map<std::string, int64_t> counts;  // per status
};

// index.mustache without its rows: seq, max_digits, max_digits_text,
// row_template, has_more, next_before, more_url, newer_url (older pages: the
// first page of the same filter), status, tabs ({label, count, url, current}
// for "all" and each status), has_tasks, has_active. rows_html and active_html
// are set by the page (rows are rendered one by one, and cached, by pages.cc).
nlohmann::json index_view(const IndexListing& listing, uint64_t max_digits,
                          const std::string& row_text);

// The decimals [from, to] (1-based, inclusive) shown for pi to n places.
struct PiWindow {
  uint64_t from = 1;
  uint64_t to = 1;
  bool whole = true;
};
// requested_from: ?from=K (1 <= K <= n), or 0 for the default (the last
// kWindowDigits ending at n). Ignored when n <= kWholeMax.
PiWindow pi_window(uint64_t n, uint64_t requested_from);

// digits.mustache: `lines` of the window. `decimals` holds exactly the
// window's decimals (window.to - window.from + 1 characters).
nlohmann::json digits_view(uint64_t n, const PiWindow& window, std::string_view decimals);

// pi.mustache with the digits (available true); digits_html is set by the
// page (the rendered digits.mustache, cached: digits never change). digit: the
// n-th decimal (answer_digit, "Decimal N of pi is D"), or -1 when not known.
// details: how long each stage took, CPU time and peak memory ({label, value}).
nlohmann::json pi_view(uint64_t n, const PiWindow& window, const std::optional<Task>& task,
                       uint64_t max_digits, int digit = -1);
// The task page's details: {label, value} for the time in the queue, the
// computation, the storing, the CPU time and the peak memory (those known).
nlohmann::json task_details(const Task& task);
// pi.mustache before the digits exist (available false, the task's status).
nlohmann::json pi_pending_view(uint64_t n, const Task& task, uint64_t max_digits);

// error.mustache: status, title, message, n (the n a compute button should
// offer, or 0 for none).
nlohmann::json error_view(int status, std::string_view title, std::string_view message,
                          uint64_t offer_n = 0);

}  // namespace pidigits::fcgi
