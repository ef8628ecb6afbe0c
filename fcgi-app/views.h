// The views of the page templates (docs/CONTRACTS.md, "Templates"), built as
// JSON and converted to kainjow data by one function, so that the server and
// mustache.js in the browser see the same values with the same truthiness.
//
// The row view is the one view both sides build: row_view() here for the
// rows the server renders, rowView() in frontend/static/app.js for the rows
// the browser renders from events, both from the task JSON and by the rules
// of docs/CONTRACTS.md ("Row view"). A browser test renders rows both ways.
#pragma once

#include <cstdint>
#include <kainjow/mustache.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "pidigits/display.h"
#include "pidigits/task.h"
#include "pidigits/lifecycle.h"

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

// index.mustache without its rows: seq, max_digits, max_digits_text,
// row_template, has_more, next_before, has_tasks. rows_html is set by the
// page (rows are rendered one by one, and cached, by pages.cc).
nlohmann::json index_view(int64_t seq, uint64_t next_before, bool has_tasks, uint64_t max_digits,
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
// page (the rendered digits.mustache, cached: digits never change).
nlohmann::json pi_view(uint64_t n, const PiWindow& window, const std::optional<Task>& task,
                       uint64_t max_digits);
// pi.mustache before the digits exist (available false, the task's status).
nlohmann::json pi_pending_view(uint64_t n, const Task& task, uint64_t max_digits);

// error.mustache: status, title, message, n (the n a compute button should
// offer, or 0 for none).
nlohmann::json error_view(int status, std::string_view title, std::string_view message,
                          uint64_t offer_n = 0);

}  // namespace pidigits::fcgi
