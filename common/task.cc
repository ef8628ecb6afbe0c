#include "pidigits/task.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "pidigits/clock.h"
#include "pidigits/config.h"
#include "pidigits/text.h"

namespace pidigits {
namespace {
constexpr std::array<std::string_view, 7> kStageNames = {
    "registered", "scheduled", "taken", "calculated", "stored", "error", "cancelled"};

// The stages in the order of their names, as a JSON object's keys sort.
constexpr std::array<Stage, 7> kStagesByName = {Stage::kCalculated, Stage::kCancelled,
                                                Stage::kError,      Stage::kRegistered,
                                                Stage::kScheduled,  Stage::kStored,
                                                Stage::kTaken};

int64_t to_int(const std::string& text) {
  uint64_t value = 0;
  return parse_uint(text, 0, INT64_MAX, &value) ? static_cast<int64_t>(value) : 0;
}

// Appends `text` as a JSON string, as nlohmann's dump with the replace handler
// writes it: bytes a plain copy serves are copied, and a string with control
// characters or non-ASCII bytes (which may be invalid UTF-8) goes through nlohmann.
void append_json_string(std::string& out, std::string_view text) {
  const bool plain = std::all_of(text.begin(), text.end(), [](char c) {
    return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
  });
  if (!plain) {
    out += nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return;
  }
  out += '"';
  out += text;
  out += '"';
}

// The value, or null when there is none.
void append_optional_int(std::string& out, bool present, int64_t value) {
  if (present) {
    append_decimal(out, value);
  } else {
    out += "null";
  }
}

void append_optional_string(std::string& out, std::string_view text) {
  if (text.empty()) {
    out += "null";
  } else {
    append_json_string(out, text);
  }
}

// How long the computation took: from taken to its end, or until the task's
// last update so far; nullopt if it was never taken.
std::optional<int64_t> took_ms(const Task& task) {
  auto taken = task.stage_at.find(Stage::kTaken);
  if (taken == task.stage_at.end()) return std::nullopt;
  int64_t end = task.updated_at;
  for (Stage s : {Stage::kStored, Stage::kError, Stage::kCancelled}) {
    if (auto it = task.stage_at.find(s); it != task.stage_at.end()) end = it->second;
  }
  return std::max<int64_t>(0, end - taken->second);
}

std::string_view error_text(const Task& task) {
  return task.error.empty() ? std::string_view("failed") : std::string_view(task.error);
}
}  // namespace

std::string_view stage_name(Stage stage) { return kStageNames[static_cast<size_t>(stage)]; }

std::optional<Stage> parse_stage(std::string_view name) {
  for (size_t i = 0; i < kStageNames.size(); ++i) {
    if (kStageNames[i] == name) return static_cast<Stage>(i);
  }
  return std::nullopt;
}

std::string_view status_of(Stage stage) {
  switch (stage) {
    case Stage::kRegistered:
    case Stage::kScheduled:
      return "queued";
    case Stage::kTaken:
    case Stage::kCalculated:
      return "running";
    case Stage::kStored:
      return "done";
    case Stage::kError:
      return "error";
    case Stage::kCancelled:
      return "cancelled";
  }
  return "error";
}

std::optional<Task> Task::from_hash(const std::vector<std::string>& fields) {
  Task task;
  bool has_n = false, has_stage = false;
  for (size_t i = 0; i + 1 < fields.size(); i += 2) {
    const std::string& key = fields[i];
    const std::string& value = fields[i + 1];
    if (key == "n") {
      has_n = parse_uint(value, 1, UINT64_MAX, &task.n);
    } else if (key == "id") {
      parse_uint(value, 0, UINT64_MAX, &task.id);
    } else if (key == "version") {
      parse_uint(value, 0, UINT64_MAX, &task.version);
    } else if (key == "stage") {
      if (auto stage = parse_stage(value)) {
        task.stage = *stage;
        has_stage = true;
      }
    } else if (key == "digit") {
      if (value.size() == 1 && value[0] >= '0' && value[0] <= '9') task.digit = value[0] - '0';
    } else if (key == "error") {
      task.error = value;
    } else if (key == "progress") {
      char* end = nullptr;
      double p = std::strtod(value.c_str(), &end);
      if (end != value.c_str() && std::isfinite(p)) task.progress = std::clamp(p, 0.0, 1.0);
    } else if (key == "phase") {
      task.phase = value;
    } else if (key == "attempts") {
      task.attempts = static_cast<int>(to_int(value));
    } else if (key == "worker") {
      task.worker = value;
    } else if (key == "source") {
      task.source = value;
    } else if (key == "estimate_ms") {
      task.estimate_ms = to_int(value);
    } else if (key == "cpu_ms") {
      task.cpu_ms = to_int(value);
    } else if (key == "peak_rss_bytes") {
      task.peak_rss_bytes = to_int(value);
    } else if (key == "created_at") {
      task.created_at = to_int(value);
    } else if (key == "updated_at") {
      task.updated_at = to_int(value);
    } else if (key.size() > 3 && key.ends_with("_at")) {
      if (auto stage = parse_stage(std::string_view(key).substr(0, key.size() - 3))) {
        task.stage_at[*stage] = to_int(value);
      }
    }
  }
  if (!has_n || !has_stage) return std::nullopt;
  return task;
}

std::optional<int64_t> eta_ms(const Task& task, int64_t now_ms) {
  const int64_t estimate = std::max<int64_t>(0, task.estimate_ms);
  switch (task.stage) {
    case Stage::kRegistered:
    case Stage::kScheduled:
      return task.ahead_ms + estimate;
    case Stage::kTaken: {
      // The remaining time when the progress was last reported (updated_at):
      // the model's, trusted less as the run's own pace shows (elapsed /
      // progress extrapolates it; progress runs close to time). Minus the
      // time since that report: progress arrives about once a second, and an
      // extrapolation from a stale progress would overestimate.
      const double p = std::clamp(task.progress, 0.0, 1.0);
      auto taken = task.stage_at.find(Stage::kTaken);
      if (taken == task.stage_at.end()) return std::llround(estimate * (1 - p));
      const int64_t started = taken->second;
      const int64_t reported = std::clamp(task.updated_at, started, std::max(started, now_ms));
      double remaining = estimate * (1 - p);
      if (p > 0) {
        const double observed = static_cast<double>(reported - started) * (1 - p) / p;
        const double weight = std::min(1.0, 2 * p);
        remaining = (1 - weight) * remaining + weight * observed;
      }
      remaining -= static_cast<double>(std::max<int64_t>(0, now_ms - reported));
      return std::max<int64_t>(0, std::llround(remaining));
    }
    case Stage::kCalculated:
      return 0;
    case Stage::kStored:
    case Stage::kError:
    case Stage::kCancelled:
      break;
  }
  return std::nullopt;
}

std::string task_json_text(const Task& task, int64_t now_ms) {
  // The keys in sorted order, as nlohmann writes an object, so that the text
  // and its object dumped again are the same.
  const std::optional<int64_t> took = took_ms(task);
  const std::optional<int64_t> eta = eta_ms(task, now_ms);
  const double progress = task.stage == Stage::kStored ? 1.0 : task.progress;
  std::string out;
  out.reserve(512);
  out += "{\"attempts\":";
  append_decimal(out, task.attempts);
  out += ",\"cpu_ms\":";
  append_optional_int(out, task.cpu_ms >= 0, task.cpu_ms);
  out += ",\"created_at\":\"";
  out += iso_time(task.created_at);
  out += "\",\"digit\":";
  append_optional_int(out, task.digit.has_value(), task.digit.value_or(0));
  out += ",\"error\":";
  append_optional_string(out, task.stage == Stage::kError ? error_text(task) : "");
  out += ",\"eta_ms\":";
  append_optional_int(out, eta.has_value(), eta.value_or(0));
  out += ",\"id\":";
  append_decimal(out, task.id);
  out += ",\"n\":";
  append_decimal(out, task.n);
  out += ",\"peak_rss_bytes\":";
  append_optional_int(out, task.peak_rss_bytes >= 0, task.peak_rss_bytes);
  out += ",\"phase\":";
  append_optional_string(out, task.phase);
  out += ",\"progress\":";
  out += nlohmann::json(progress).dump();  // nlohmann's shortest form, "1.0" included
  out += ",\"queue_position\":";
  append_optional_int(out, task.queue_position > 0, task.queue_position);
  out += ",\"source\":";
  append_optional_string(out, task.source);
  out += ",\"stage\":\"";
  out += stage_name(task.stage);
  out += "\",\"stages\":{";
  bool first = true;
  for (Stage stage : kStagesByName) {
    auto at = task.stage_at.find(stage);
    if (at == task.stage_at.end()) continue;
    if (!first) out += ',';
    first = false;
    out += '"';
    out += stage_name(stage);
    out += "\":\"";
    out += iso_time(at->second);
    out += '"';
  }
  out += "},\"status\":\"";
  out += status_of(task.stage);
  out += "\",\"took_ms\":";
  append_optional_int(out, took.has_value(), took.value_or(0));
  out += ",\"updated_at\":\"";
  out += iso_time(task.updated_at);
  out += "\",\"url\":\"/pi/";
  append_decimal(out, task.n);
  out += "\",\"version\":";
  append_decimal(out, task.version);
  out += ",\"worker\":";
  append_optional_string(out, task.worker);
  out += '}';
  return out;
}

nlohmann::json to_json(const Task& task, int64_t now_ms) {
  // One writer of the task's JSON: pages, which fill templates from the object,
  // read it back (once per task version: their rows are cached).
  return nlohmann::json::parse(task_json_text(task, now_ms));
}

}  // namespace pidigits

namespace pidigits {

std::string event_for_clients(std::string_view published, int64_t now_ms) {
  using nlohmann::json;
  json event = json::parse(published, nullptr, /*allow_exceptions=*/false);
  if (!event.is_object() || event.value("type", "") != "task" || !event.contains("hash") ||
      !event["hash"].is_object()) {
    return std::string(published);
  }
  std::vector<std::string> fields;
  for (const auto& [key, value] : event["hash"].items()) {
    fields.push_back(key);
    fields.push_back(value.is_string() ? value.get<std::string>() : value.dump());
  }
  std::optional<Task> task = Task::from_hash(fields);
  if (!task) return std::string(published);
  if (const json& queue = event.value("queue", json::object()); queue.is_object()) {
    task->queue_position = queue.value("position", int64_t{0});
    task->ahead_ms = queue.value("ahead_ms", int64_t{0});
  }
  // {"seq":S,"task":...,"type":"task"}: keys sorted, as nlohmann writes an object.
  std::string out = "{\"seq\":";
  append_decimal(out, event.value("seq", int64_t{0}));
  out += ",\"task\":";
  out += task_json_text(*task, now_ms);
  out += ",\"type\":\"task\"}";
  return out;
}

}  // namespace pidigits
