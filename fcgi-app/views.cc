#include "views.h"

#include <algorithm>
#include <cmath>

#include "pidigits/clock.h"
#include "response.h"

namespace pidigits::fcgi {

using nlohmann::json;
namespace mustache = kainjow::mustache;

mustache::data to_data(const json& value) {
  switch (value.type()) {
    case json::value_t::object: {
      mustache::data out{mustache::data::type::object};
      for (const auto& [key, item] : value.items()) out.set(key, to_data(item));
      return out;
    }
    case json::value_t::array: {
      mustache::data out{mustache::data::type::list};
      for (const auto& item : value) out.push_back(to_data(item));
      return out;
    }
    case json::value_t::string: {
      const auto& text = value.get_ref<const std::string&>();
      if (text.empty()) return mustache::data{false};
      return mustache::data{text};
    }
    case json::value_t::boolean:
      return mustache::data{value.get<bool>()};
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return mustache::data{dump_json(value)};
    default:  // null, binary, discarded
      return mustache::data{false};
  }
}

namespace {
// A member of a JSON object, or null when absent (const operator[] may not be
// used for absent keys).
const json& field(const json& object, const char* key) {
  static const json kNull;
  auto it = object.find(key);
  return it != object.end() ? *it : kNull;
}
}  // namespace

// The rules of docs/CONTRACTS.md "Row view"; app.js's rowView() follows the
// same rules from the same JSON. Change both together (a browser test renders
// rows both ways and compares them).
json row_view(const json& task) {
  const uint64_t n = task.value("n", uint64_t{0});
  const std::string status = task.value("status", "");
  const json& digit = field(task, "digit");
  const json& took_ms = field(task, "took_ms");
  const json& progress = field(task, "progress");
  std::string created = task.value("created_at", "");
  // "2026-11-26T04:15:46.123Z" -> "2026-11-26 04:15:46"
  if (created.size() >= 19) {
    created.resize(19);
    created[10] = ' ';
  }
  int progress_pct =
      progress.is_number() ? static_cast<int>(std::floor(progress.get<double>() * 100)) : 0;
  return json{
      {"n", n},
      {"id", field(task, "id")},
      {"version", field(task, "version")},
      {"status", status},
      {"stage", field(task, "stage")},
      {"error", field(task, "error")},
      {"created_at", field(task, "created_at")},
      {"url", "/pi/" + std::to_string(n)},
      {"n_text", display_count(n)},
      {"queued", status == "queued"},
      {"running", status == "running"},
      {"done", status == "done"},
      {"failed", status == "error"},
      {"cached", field(task, "source") == "cached"},
      {"digit_text", digit.is_number_integer() ? std::to_string(digit.get<int>()) : ""},
      {"progress_pct", std::clamp(progress_pct, 0, 100)},
      {"created", created},
      {"took", took_ms.is_number_integer() ? display_duration(took_ms.get<int64_t>()) : ""},
  };
}

json index_view(int64_t seq, uint64_t next_before, bool has_tasks, uint64_t max_digits,
                const std::string& row_text) {
  return json{
      {"seq", std::to_string(seq)},
      {"max_digits", std::to_string(max_digits)},
      {"max_digits_text", display_count(max_digits)},
      {"row_template", row_text},
      {"has_tasks", has_tasks},
      {"has_more", next_before != 0},
      {"next_before", next_before != 0 ? std::to_string(next_before) : ""},
  };
}

PiWindow pi_window(uint64_t n, uint64_t requested_from) {
  if (n <= kWholeMax) return PiWindow{1, n, true};
  uint64_t from = requested_from != 0 ? requested_from : n - kWindowDigits + 1;
  from = std::min(from, n);
  uint64_t to = std::min(n, from + kWindowDigits - 1);
  return PiWindow{from, to, false};
}

namespace {
std::string page_url(uint64_t n, uint64_t from) {
  return "/pi/" + std::to_string(n) + "?from=" + std::to_string(from);
}

// Lines of kLineDigits decimals starting at window.from, each in groups of
// kGroupDigits; the n-th decimal, when shown, is split off as "marked".
json digit_lines(uint64_t n, const PiWindow& window, std::string_view decimals) {
  json lines = json::array();
  for (uint64_t start = 0; start < decimals.size(); start += kLineDigits) {
    std::string_view line = decimals.substr(start, kLineDigits);
    const uint64_t pos = window.from + start;
    json groups = json::array();
    for (uint64_t g = 0; g < line.size(); g += kGroupDigits) {
      std::string digits(line.substr(g, kGroupDigits));
      std::string marked;
      if (pos + g + digits.size() - 1 == n) {  // this group ends with the n-th decimal
        marked = digits.back();
        digits.pop_back();
      }
      groups.push_back({{"digits", digits}, {"marked", marked}});
    }
    lines.push_back(
        {{"pos", std::to_string(pos)}, {"head", pos == 1 ? "3." : ""}, {"groups", groups}});
  }
  return lines;
}

json pi_base(uint64_t n, uint64_t max_digits) {
  return json{
      {"n", std::to_string(n)},
      {"n_text", display_count(n)},
      {"txt_url", "/pi/" + std::to_string(n) + ".txt"},
      {"window", std::to_string(kWindowDigits)},
      {"max_digits", std::to_string(max_digits)},
  };
}
}  // namespace

json digits_view(uint64_t n, const PiWindow& window, std::string_view decimals) {
  return json{{"n_text", display_count(n)}, {"lines", digit_lines(n, window, decimals)}};
}

json pi_view(uint64_t n, const PiWindow& window, const std::optional<Task>& task,
             uint64_t max_digits) {
  json view = pi_base(n, max_digits);
  const bool at_start = window.from == 1;
  const bool at_end = window.to == n;
  view["available"] = true;
  view["task"] = task ? row_view(to_json(*task, now_ms())) : json(false);
  view["from"] = std::to_string(window.from);
  view["to"] = std::to_string(window.to);
  view["whole"] = window.whole;
  view["nav"] = {
      {"first", at_start ? "" : page_url(n, 1)},
      {"prev",
       at_start ? "" : page_url(n, window.from > kWindowDigits ? window.from - kWindowDigits : 1)},
      {"next", at_end ? "" : page_url(n, window.to + 1)},
      {"last", at_end ? "" : "/pi/" + std::to_string(n)},
  };
  return view;
}

json pi_pending_view(uint64_t n, const Task& task, uint64_t max_digits) {
  json view = pi_base(n, max_digits);
  view["available"] = false;
  view["task"] = row_view(to_json(task, now_ms()));
  view["from"] = "";
  view["to"] = "";
  view["whole"] = false;
  view["nav"] = {{"first", ""}, {"prev", ""}, {"next", ""}, {"last", ""}};
  return view;
}

json error_view(int status, std::string_view title, std::string_view message, uint64_t offer_n) {
  return json{
      {"status", std::to_string(status)},
      {"title", title},
      {"message", message},
      {"n", offer_n != 0 ? std::to_string(offer_n) : ""},
  };
}

}  // namespace pidigits::fcgi
