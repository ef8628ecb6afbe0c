#include "pidigits/task.h"

#include <array>
#include <cmath>

#include "pidigits/clock.h"
#include "pidigits/config.h"

namespace pidigits {
namespace {
constexpr std::array<std::string_view, 6> kStageNames = {
    "registered", "scheduled", "taken", "calculated", "stored", "error"};

int64_t to_int(const std::string& text) {
  uint64_t value = 0;
  return parse_uint(text, 0, INT64_MAX, &value) ? static_cast<int64_t>(value) : 0;
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

nlohmann::json to_json(const Task& task) {
  using nlohmann::json;
  const bool done = task.stage == Stage::kStored;
  const bool failed = task.stage == Stage::kError;
  json stages = json::object();
  for (const auto& [stage, at] : task.stage_at) stages[std::string(stage_name(stage))] = iso_time(at);

  // How long the computation took: from taken to its end, or so far.
  json took_ms = nullptr;
  if (auto taken = task.stage_at.find(Stage::kTaken); taken != task.stage_at.end()) {
    int64_t end = task.updated_at;
    for (Stage s : {Stage::kStored, Stage::kError}) {
      if (auto it = task.stage_at.find(s); it != task.stage_at.end()) end = it->second;
    }
    took_ms = std::max<int64_t>(0, end - taken->second);
  }
  const double progress = done ? 1.0 : task.progress;
  return json{
      {"n", task.n},
      {"id", task.id},
      {"version", task.version},
      {"status", status_of(task.stage)},
      {"stage", stage_name(task.stage)},
      {"digit", task.digit ? json(*task.digit) : json(nullptr)},
      {"error", failed ? json(task.error.empty() ? "failed" : task.error) : json(nullptr)},
      {"progress", progress},
      {"phase", task.phase.empty() ? json(nullptr) : json(task.phase)},
      {"attempts", task.attempts},
      {"worker", task.worker.empty() ? json(nullptr) : json(task.worker)},
      {"source", task.source.empty() ? json(nullptr) : json(task.source)},
      {"created_at", iso_time(task.created_at)},
      {"updated_at", iso_time(task.updated_at)},
      {"stages", stages},
      {"took_ms", took_ms},
      {"url", "/pi/" + std::to_string(task.n)},
  };
}

}  // namespace pidigits
