// A task: find the n-th decimal of pi. Its stages, its Redis hash and its JSON.
//
// Stages, in order: registered -> scheduled -> taken -> calculated -> stored,
// or error (with a message) or cancelled. People see five statuses: queued
// (registered, scheduled), running (taken, calculated), done, error, cancelled.
// The transitions between them live in one place: redis/lifecycle.lua, called
// through lifecycle.h.
//
// Hash fields of pi:task:<n> (all strings, times in ms since the epoch):
//   n, id, version, stage, digit, error, progress (0..1), phase, attempts, worker,
//   source ("computed" | "cached"), estimate_ms (the engine model's compute
//   time), cpu_ms and peak_rss_bytes (of the computation), created_at,
//   updated_at, <stage>_at for every stage reached (registered_at, ...), and,
//   never shown: owner (the creator's token), client (its address), tag (its
//   place in the fair queue).
//
// version grows by one with every change of the hash, and every change
// publishes exactly one event. Events can still reach a browser out of order
// (they travel different connections), so consumers apply a task only when
// its version is newer than the one they show.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pidigits {

enum class Stage { kRegistered, kScheduled, kTaken, kCalculated, kStored, kError, kCancelled };

std::string_view stage_name(Stage stage);
std::optional<Stage> parse_stage(std::string_view name);
// "queued" | "running" | "done" | "error" | "cancelled".
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
  int64_t estimate_ms = 0;     // the engine model's compute time (0: unknown)
  int64_t cpu_ms = -1;         // of the computation (-1: not computed here)
  int64_t peak_rss_bytes = -1;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::map<Stage, int64_t> stage_at;  // when each reached stage was entered
  // While queued, from the life cycle's reads and events (not hash fields):
  int64_t queue_position = 0;  // 1 = next; 0: not queued
  int64_t ahead_ms = 0;        // estimated wait before it starts

  // From HGETALL's flat field/value list. nullopt if empty or without n/stage.
  static std::optional<Task> from_hash(const std::vector<std::string>& fields);
};

// The task's JSON for the API and the events: data only,
//   n, id, version, status, stage, digit (int|null), error (string|null), progress,
//   phase, attempts, worker, source, created_at, updated_at (ISO 8601),
//   stages {stage: ISO time}, took_ms (int|null), url ("/pi/N"), queue_position
//   (int|null), eta_ms (int|null: queued or running), cpu_ms, peak_rss_bytes
//   (int|null).
// The strings a row shows ("1,000,000", "1.23 s") are not here: pages build
// them from this data (fcgi-app/views.h on the server, rowView in frontend/static/rows.js).
// now_ms: the time the estimate is made for (eta_ms of a running task).
// Written as text (keys sorted, invalid UTF-8 replaced, as nlohmann's dump
// writes them) for the API's answers and the events; to_json reads that text
// back for the pages' templates.
std::string task_json_text(const Task& task, int64_t now_ms);
nlohmann::json to_json(const Task& task, int64_t now_ms);

// An event as redis/lifecycle.lua publishes it on pi:events, made into what
// browsers get: {"type":"task","seq":S,"hash":{...},"queue":{...}} becomes
// {"type":"task","seq":S,"task":<to_json>}. Other events pass unchanged, and so
// does anything that does not parse (never dropped: a gap would be worse).
std::string event_for_clients(std::string_view published, int64_t now_ms);

// The time until a queued or running task is done, from the engine model's
// estimate and the progress so far; nullopt for other stages.
std::optional<int64_t> eta_ms(const Task& task, int64_t now_ms);

}  // namespace pidigits
