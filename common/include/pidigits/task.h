// A task: find the n-th decimal of pi. Its stages, its Redis hash and its JSON.
//
// Stages, in order: registered -> scheduled -> taken -> calculated -> stored,
// or error (with a message) from any of them. People see four statuses:
// queued (registered, scheduled), running (taken, calculated), done, error.
//
// Hash fields of pi:task:<n> (all strings, times in ms since the epoch):
//   n, id, version, stage, digit, error, progress (0..1), phase, attempts, worker,
//   source ("computed" | "cached"), created_at, updated_at, and <stage>_at for
//   every stage reached (registered_at, scheduled_at, taken_at, ...).
//
// version grows by one with every change of the hash (every script that
// writes a task increments it). Events can arrive out of order (pi-fcgi's
// registration events race a fast worker's), so consumers apply a task only
// when its version is newer than the one they show.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pidigits {

enum class Stage { kRegistered, kScheduled, kTaken, kCalculated, kStored, kError };

std::string_view stage_name(Stage stage);
std::optional<Stage> parse_stage(std::string_view name);
// "queued" | "running" | "done" | "error".
std::string_view status_of(Stage stage);

struct Task {
  uint64_t n = 0;
  uint64_t id = 0;
  uint64_t version = 0;
  Stage stage = Stage::kRegistered;
  std::optional<int> digit;
  std::string error;  // empty unless stage == kError
  double progress = 0;
  std::string phase;  // engine phase while running ("series", ...)
  int attempts = 0;
  std::string worker;  // id of the worker that took it last
  std::string source;  // "computed" or "cached" once calculated
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::map<Stage, int64_t> stage_at;  // when each reached stage was entered

  // From HGETALL's flat field/value list. nullopt if empty or without n/stage.
  static std::optional<Task> from_hash(const std::vector<std::string>& fields);
};

// The task's JSON for the API and the events: data only,
//   n, id, version, status, stage, digit (int|null), error (string|null), progress,
//   phase, attempts, worker, source, created_at, updated_at (ISO 8601),
//   stages {stage: ISO time}, took_ms (int|null), url ("/pi/N").
// The strings a row shows ("1,000,000", "1.23 s") are not here: pages build
// them from this data (fcgi-app/views.h on the server, rowView in app.js).
nlohmann::json to_json(const Task& task);

}  // namespace pidigits
