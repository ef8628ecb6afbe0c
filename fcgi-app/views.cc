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

// "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st".
std::string ordinal(int64_t k) {
  const int64_t last2 = k % 100, last = k % 10;
  const char* suffix = (last2 >= 11 && last2 <= 13) ? "th"
                       : last == 1                  ? "st"
                       : last == 2                  ? "nd"
                       : last == 3                  ? "rd"
                                                    : "th";
  return std::to_string(k) + suffix;
}

// What a task is doing, in words (docs/CONTRACTS.md "Row view", activity).
std::string activity_text(const std::string& status, const json& task) {
  const std::string stage = task.value("stage", "");
  const json& phase = field(task, "phase");
  const json& position = field(task, "queue_position");
  if (status == "queued") {
    if (!position.is_number_integer() || position.get<int64_t>() < 1) return "waiting";
    const int64_t k = position.get<int64_t>();
    return k == 1 ? "next in queue" : ordinal(k) + " in queue";
  }
  if (status == "running") {
    if (stage == "calculated") return "storing";
    const std::string p = phase.is_string() ? phase.get<std::string>() : "";
    if (p == "conversion") return "converting to decimal";
    if (p == "sqrt") return "computing: square root";
    if (p == "series" || p == "division") return "computing: " + p;
    return "starting";
  }
  if (status == "done") return field(task, "source") == "cached" ? "from stored digits" : "";
  return "";
}

// "about 12 s left", "about 2 min 03 s left": whole seconds, rounded up.
std::string eta_text(const json& eta_ms) {
  if (!eta_ms.is_number_integer()) return "";
  const int64_t seconds = (std::max<int64_t>(0, eta_ms.get<int64_t>()) + 999) / 1000;
  const std::string amount =
      seconds < 60 ? std::to_string(seconds) + " s" : display_duration(seconds * 1000);
  return "about " + amount + " left";
}
}  // namespace

// The rules of docs/CONTRACTS.md "Row view"; rows.js's rowView() follows the
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
  const json& stages = field(task, "stages");
  const json& taken = field(stages, "taken");  // find() on a non-object finds nothing
  const bool active = status == "queued" || status == "running";
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
      {"cancelled", status == "cancelled"},
      {"cached", field(task, "source") == "cached"},
      {"activity", activity_text(status, task)},
      {"eta_text", active ? eta_text(field(task, "eta_ms")) : ""},
      {"can_cancel", active},
      {"can_retry", status == "error" || status == "cancelled"},
      {"taken_at", status == "running" && taken.is_string() ? taken : json("")},
      {"took_ms", took_ms.is_number_integer() ? took_ms : json(nullptr)},
      {"updated_at", field(task, "updated_at")},
      {"digit_text", digit.is_number_integer() ? std::to_string(digit.get<int>()) : ""},
      {"progress_pct", std::clamp(progress_pct, 0, 100)},
      {"created", created},
      {"took", took_ms.is_number_integer() ? display_duration(took_ms.get<int64_t>()) : ""},
  };
}

namespace {
// "/?status=done&limit=20&before=12", "/" (the parameters that are set, in that order).
std::string index_url(const std::string& status, uint64_t limit, uint64_t before) {
  std::string query;
  if (!status.empty()) query += "&status=" + status;
  if (limit != 0) query += "&limit=" + std::to_string(limit);
  if (before != 0) query += "&before=" + std::to_string(before);
  if (query.empty()) return "/";
  query[0] = '?';
  return "/" + query;
}
}  // namespace

json index_view(const IndexListing& listing, uint64_t max_digits, const std::string& row_text) {
  json tabs = json::array();
  int64_t all = 0;
  for (const auto& [status, count] : listing.counts) all += count;
  tabs.push_back({{"status", "all"},
                  {"label", "All"},
                  {"count", display_count(static_cast<uint64_t>(std::max<int64_t>(0, all)))},
                  {"url", "/"},
                  {"current", listing.status.empty()}});
  for (std::string_view name : lifecycle::kStatuses) {
    const std::string status(name);
    auto it = listing.counts.find(status);
    const int64_t count = it != listing.counts.end() ? std::max<int64_t>(0, it->second) : 0;
    std::string label = status == "error" ? "Failed" : status;
    label[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(label[0])));
    tabs.push_back({{"status", status},
                    {"label", label},
                    {"count", display_count(static_cast<uint64_t>(count))},
                    {"url", index_url(status, 0, 0)},
                    {"current", listing.status == status}});
  }
  return json{
      {"seq", std::to_string(listing.seq)},
      {"max_digits", std::to_string(max_digits)},
      {"max_digits_text", display_count(max_digits)},
      {"row_template", row_text},
      {"status", listing.status},
      {"tabs", tabs},
      {"has_tasks", listing.has_tasks},
      {"has_active", listing.has_active},
      {"has_more", listing.next_before != 0},
      {"next_before", listing.next_before != 0 ? std::to_string(listing.next_before) : ""},
      {"more_url", listing.next_before != 0
                       ? index_url(listing.status, listing.limit, listing.next_before)
                       : ""},
      {"newer_url", listing.before != 0 ? index_url(listing.status, listing.limit, 0) : ""},
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

json task_details(const Task& task) {
  json details = json::array();
  const auto at = [&task](Stage stage) -> int64_t {
    auto it = task.stage_at.find(stage);
    return it != task.stage_at.end() ? it->second : -1;
  };
  const auto span = [&details](const char* label, int64_t from, int64_t to) {
    if (from < 0 || to < 0) return;
    details.push_back(
        {{"label", label}, {"value", display_duration(std::max<int64_t>(0, to - from))}});
  };
  const int64_t queued = at(Stage::kScheduled) >= 0 ? at(Stage::kScheduled) : task.created_at;
  span("Waited in the queue", queued, at(Stage::kTaken));
  span("Computed", at(Stage::kTaken), at(Stage::kCalculated));
  span("Stored", at(Stage::kCalculated), at(Stage::kStored));
  if (task.cpu_ms >= 0) {
    details.push_back({{"label", "CPU time"}, {"value", display_duration(task.cpu_ms)}});
  }
  if (task.peak_rss_bytes >= 0) {
    details.push_back(
        {{"label", "Peak memory"},
         {"value", display_mebibytes(static_cast<uint64_t>(task.peak_rss_bytes)) + " MiB"}});
  }
  return details;
}

json pi_view(uint64_t n, const PiWindow& window, const std::optional<Task>& task,
             uint64_t max_digits, int digit) {
  json view = pi_base(n, max_digits);
  const bool at_start = window.from == 1;
  const bool at_end = window.to == n;
  view["available"] = true;
  view["task"] = task ? row_view(to_json(*task, now_ms())) : json(false);
  view["details"] = task ? task_details(*task) : json::array();
  view["has_details"] = !view["details"].empty();
  view["answer_digit"] = digit >= 0 && digit <= 9 ? std::to_string(digit) : "";
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
  view["details"] = task_details(task);
  view["has_details"] = !view["details"].empty();
  view["answer_digit"] = "";
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
