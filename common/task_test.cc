#include "pidigits/task.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "pidigits/keys.h"

namespace pidigits {
namespace {

TEST(Keys, AreTheDocumentedNames) {
  EXPECT_EQ(keys::task(42), "pi:task:42");
  EXPECT_EQ(keys::queue(), "pi:queue");
  EXPECT_EQ(keys::events(), "pi:events");
  EXPECT_EQ(keys::digits_chunk(0), "pi:digits");
  EXPECT_EQ(keys::digits_chunk(3), "pi:digits:3");
  EXPECT_EQ(keys::processing("h:1"), "pi:processing:h:1");
  EXPECT_EQ(keys::heartbeat("h:1"), "pi:worker:h:1");
}

TEST(Stage, StatusGroupsStages) {
  EXPECT_EQ(status_of(Stage::kRegistered), "queued");
  EXPECT_EQ(status_of(Stage::kScheduled), "queued");
  EXPECT_EQ(status_of(Stage::kTaken), "running");
  EXPECT_EQ(status_of(Stage::kCalculated), "running");
  EXPECT_EQ(status_of(Stage::kStored), "done");
  EXPECT_EQ(status_of(Stage::kError), "error");
  EXPECT_EQ(status_of(Stage::kCancelled), "cancelled");
  for (Stage s : {Stage::kRegistered, Stage::kScheduled, Stage::kTaken, Stage::kCalculated,
                  Stage::kStored, Stage::kError, Stage::kCancelled}) {
    EXPECT_EQ(parse_stage(stage_name(s)), s);
  }
  EXPECT_FALSE(parse_stage("done"));
}

TEST(Task, FromHashNeedsNAndStage) {
  EXPECT_FALSE(Task::from_hash({}));
  EXPECT_FALSE(Task::from_hash({"n", "5"}));
  EXPECT_FALSE(Task::from_hash({"n", "x", "stage", "stored"}));
  EXPECT_FALSE(Task::from_hash({"n", "5", "stage", "bogus"}));
  EXPECT_TRUE(Task::from_hash({"n", "5", "stage", "stored"}));
}

TEST(Task, JsonOfADoneTask) {
  auto task = Task::from_hash({"n",          "5",
                               "id",         "7",
                               "version",    "6",
                               "stage",      "stored",
                               "digit",      "9",
                               "progress",   "0.5",
                               "created_at", "1764130546123",
                               "updated_at", "1764130547623",
                               "taken_at",   "1764130546500",
                               "stored_at",  "1764130547730",
                               "attempts",   "1",
                               "source",     "computed"});
  ASSERT_TRUE(task);
  auto j = to_json(*task, 0);
  EXPECT_EQ(j["n"], 5);
  EXPECT_EQ(j["id"], 7);
  EXPECT_EQ(j["version"], 6);
  EXPECT_EQ(j["status"], "done");
  EXPECT_EQ(j["stage"], "stored");
  EXPECT_EQ(j["digit"], 9);
  EXPECT_TRUE(j["error"].is_null());
  EXPECT_EQ(j["progress"], 1.0);  // done is complete whatever the last progress said
  EXPECT_EQ(j["url"], "/pi/5");
  EXPECT_EQ(j["created_at"], "2025-11-26T04:15:46.123Z");
  EXPECT_EQ(j["stages"]["taken"], "2025-11-26T04:15:46.500Z");
  EXPECT_EQ(j["took_ms"], 1230);
}

// The task's JSON is data; the strings a row shows are the views' (fcgi-app/views.h).
TEST(Task, JsonCarriesNoDisplayFields) {
  auto j = to_json(*Task::from_hash({"n", "1000000", "stage", "stored", "digit", "1"}), 0);
  for (const char* display : {"n_text", "digit_text", "progress_pct", "created", "took", "queued",
                              "running", "done", "failed", "cached"}) {
    EXPECT_FALSE(j.contains(display)) << display;
  }
  EXPECT_EQ(j.size(), 21u) << j.dump();
}

TEST(Task, JsonOfAFailedAndOfAQueuedTask) {
  auto failed = to_json(*Task::from_hash({"n", "3", "stage", "error", "error", "out of memory"}), 0);
  EXPECT_EQ(failed["status"], "error");
  EXPECT_EQ(failed["error"], "out of memory");
  EXPECT_TRUE(failed["digit"].is_null());
  auto queued = to_json(*Task::from_hash({"n", "3", "stage", "scheduled"}), 0);
  EXPECT_EQ(queued["status"], "queued");
  EXPECT_TRUE(queued["took_ms"].is_null());
}

TEST(Task, DigitZeroIsADigit) {
  auto j = to_json(*Task::from_hash({"n", "32", "stage", "stored", "digit", "0"}), 0);
  EXPECT_EQ(j["digit"], 0);
}

TEST(Task, EtaOfQueuedAndRunningTasks) {
  Task queued = *Task::from_hash({"n", "3", "stage", "scheduled", "estimate_ms", "4000"});
  queued.ahead_ms = 6000;
  EXPECT_EQ(eta_ms(queued, 0), 10'000);
  // Running: the model alone at first, the run's own pace as it goes.
  Task running =
      *Task::from_hash({"n", "3", "stage", "taken", "estimate_ms", "4000", "taken_at", "1000"});
  running.progress = 0;
  EXPECT_EQ(eta_ms(running, 1000), 4000);
  running.progress = 0.5;  // half done after 8 s, twice as slow as the model
  running.updated_at = 9000;
  EXPECT_EQ(eta_ms(running, 9000), 8000);
  // Asked 0.5 s after that report: 0.5 s less, not a new extrapolation.
  EXPECT_EQ(eta_ms(running, 9500), 7500);
  EXPECT_FALSE(eta_ms(*Task::from_hash({"n", "3", "stage", "stored"}), 0));
  auto j = to_json(queued, 0);
  EXPECT_EQ(j["eta_ms"], 10'000);
  EXPECT_TRUE(j["queue_position"].is_null());
  EXPECT_TRUE(j["cpu_ms"].is_null());
}

// The text is written by hand for speed; it must be JSON that nlohmann reads
// and writes back unchanged, for every kind of task, strings that need
// escaping included.
TEST(Task, JsonTextIsTheJsonDumped) {
  std::mt19937_64 random(20261203);
  auto pick = [&](const auto& options) { return options[random() % options.size()]; };
  const std::vector<std::string> texts = {
      "", "series", "out of memory", "say \"hi\"", "back\\slash", "line\nbreak\ttab",
      "bell\x01", "\x7f del", "pi \xcf\x80 = 3.14", "bad \xff\xfe utf-8", "cut \xcf"};
  const std::vector<double> progresses = {0,   1,    0.5, 0.1, 1e-5, 0.0001, 1.0 / 3,
                                          0.999999, 2.5e-7, 0.123456789012345678};
  for (int i = 0; i < 3000; ++i) {
    Task task;
    task.n = random() % 3 == 0 ? random() : random() % 100'000'000 + 1;
    task.id = random() % 1000;
    task.version = random() % 50;
    task.stage = static_cast<Stage>(random() % 7);
    if (random() % 2) task.digit = static_cast<int>(random() % 10);
    task.error = pick(texts);
    task.phase = pick(texts);
    task.worker = pick(texts);
    task.source = pick(texts);
    task.progress = random() % 4 == 0 ? std::ldexp(static_cast<double>(random() >> 11), -53)
                                      : pick(progresses);
    task.attempts = static_cast<int>(random() % 4);
    task.estimate_ms = static_cast<int64_t>(random() % 100'000);
    task.cpu_ms = random() % 2 ? -1 : static_cast<int64_t>(random() % 10'000'000);
    task.peak_rss_bytes = random() % 2 ? -1 : static_cast<int64_t>(random() % (1LL << 40));
    task.created_at = 1764130546123 + static_cast<int64_t>(random() % 100'000'000);
    task.updated_at = task.created_at + static_cast<int64_t>(random() % 1'000'000);
    for (int s = 0; s < 7; ++s) {
      if (random() % 2) task.stage_at[static_cast<Stage>(s)] = task.created_at + s * 1000;
    }
    task.queue_position = random() % 3 == 0 ? static_cast<int64_t>(random() % 100) : 0;
    task.ahead_ms = static_cast<int64_t>(random() % 100'000);
    const int64_t now = task.updated_at + static_cast<int64_t>(random() % 10'000);
    const std::string dumped = to_json(task, now).dump(-1, ' ', false,
                                                       nlohmann::json::error_handler_t::replace);
    ASSERT_EQ(task_json_text(task, now), dumped) << "task " << i;
  }
}

TEST(Task, EventsForClientsCarryTheTaskJson) {
  std::string published =
      R"({"type":"task","seq":7,"hash":{"n":"5","stage":"scheduled","version":"1","id":"2"},)"
      R"("queue":{"position":3,"ahead_ms":100}})";
  auto event = nlohmann::json::parse(event_for_clients(published, 0));
  EXPECT_EQ(event["type"], "task");
  EXPECT_EQ(event["seq"], 7);
  EXPECT_EQ(event["task"]["n"], 5);
  EXPECT_EQ(event["task"]["status"], "queued");
  EXPECT_EQ(event["task"]["queue_position"], 3);
  EXPECT_FALSE(event.contains("hash"));
  EXPECT_EQ(event_for_clients(published, 0), event.dump());  // compact, keys sorted
  std::string deleted = R"({"type":"deleted","seq":8,"n":5,"version":2})";
  EXPECT_EQ(event_for_clients(deleted, 0), deleted);
  EXPECT_EQ(event_for_clients("not json", 0), "not json");
}

}  // namespace
}  // namespace pidigits
