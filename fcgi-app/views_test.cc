#include "views.h"

#include <gtest/gtest.h>

namespace pidigits::fcgi {
namespace {
using nlohmann::json;

// Deterministic stand-in for decimals: decimal k is the digit k % 10.
std::string fake_decimals(uint64_t from, uint64_t to) {
  std::string out;
  for (uint64_t k = from; k <= to; ++k) out.push_back(static_cast<char>('0' + k % 10));
  return out;
}

// The pi page's view with its digits' view merged in.
json view_for(uint64_t n, uint64_t from = 0) {
  PiWindow w = pi_window(n, from);
  json view = pi_view(n, w, std::nullopt, 100'000'000);
  view["lines"] = digits_view(n, w, fake_decimals(w.from, w.to))["lines"];
  return view;
}

// All shown decimals of a view, concatenated, marked digit included.
std::string shown(const json& view) {
  std::string out;
  for (const auto& line : view["lines"]) {
    for (const auto& g : line["groups"])
      out += g["digits"].get<std::string>() + g["marked"].get<std::string>();
  }
  return out;
}

void expect_layout(const json& view) {
  const auto& lines = view["lines"];
  for (size_t i = 0; i < lines.size(); ++i) {
    size_t line_digits = 0;
    const auto& groups = lines[i]["groups"];
    for (size_t g = 0; g < groups.size(); ++g) {
      size_t size = groups[g]["digits"].get<std::string>().size() +
                    groups[g]["marked"].get<std::string>().size();
      if (g + 1 < groups.size()) {
        EXPECT_EQ(size, 10u);
      }
      line_digits += size;
    }
    if (i + 1 < lines.size()) {
      EXPECT_EQ(line_digits, 50u);
    }
  }
}

TEST(ViewsTest, NEqualsOneShowsTheMarkedDigitAlone) {
  json v = view_for(1);
  EXPECT_EQ(v["whole"], true);
  ASSERT_EQ(v["lines"].size(), 1u);
  EXPECT_EQ(v["lines"][0]["head"], "3.");
  EXPECT_EQ(v["lines"][0]["pos"], "1");
  ASSERT_EQ(v["lines"][0]["groups"].size(), 1u);
  EXPECT_EQ(v["lines"][0]["groups"][0]["digits"], "");
  EXPECT_EQ(v["lines"][0]["groups"][0]["marked"], "1");
}

TEST(ViewsTest, FiftyAndFiftyOne) {
  json v50 = view_for(50);
  ASSERT_EQ(v50["lines"].size(), 1u);
  ASSERT_EQ(v50["lines"][0]["groups"].size(), 5u);
  EXPECT_EQ(v50["lines"][0]["groups"][4]["digits"], "123456789");
  EXPECT_EQ(v50["lines"][0]["groups"][4]["marked"], "0");
  EXPECT_EQ(v50["lines"][0]["groups"][3]["marked"], "");
  EXPECT_EQ(shown(v50), fake_decimals(1, 50));

  json v51 = view_for(51);
  ASSERT_EQ(v51["lines"].size(), 2u);
  EXPECT_EQ(v51["lines"][1]["pos"], "51");
  EXPECT_EQ(v51["lines"][1]["head"], "");
  ASSERT_EQ(v51["lines"][1]["groups"].size(), 1u);
  EXPECT_EQ(v51["lines"][1]["groups"][0]["marked"], "1");
  EXPECT_EQ(shown(v51), fake_decimals(1, 51));
  expect_layout(v51);
}

TEST(ViewsTest, TenThousandIsWholeTenThousandAndOneIsWindowed) {
  json whole = view_for(10000);
  EXPECT_EQ(whole["whole"], true);
  EXPECT_EQ(whole["lines"].size(), 200u);
  EXPECT_EQ(whole["nav"]["next"], "");
  EXPECT_EQ(whole["nav"]["first"], "");
  EXPECT_EQ(shown(whole), fake_decimals(1, 10000));
  expect_layout(whole);

  json windowed = view_for(10001);
  EXPECT_EQ(windowed["whole"], false);
  EXPECT_EQ(windowed["from"], "5002");
  EXPECT_EQ(windowed["to"], "10001");
  EXPECT_EQ(windowed["lines"].size(), 100u);
  EXPECT_EQ(windowed["lines"][0]["pos"], "5002");
  EXPECT_EQ(windowed["lines"][99]["groups"][4]["marked"], "1");
  EXPECT_EQ(windowed["nav"]["first"], "/pi/10001?from=1");
  EXPECT_EQ(windowed["nav"]["prev"], "/pi/10001?from=2");
  EXPECT_EQ(windowed["nav"]["next"], "");
  EXPECT_EQ(windowed["nav"]["last"], "");
  expect_layout(windowed);
}

TEST(ViewsTest, WindowsOfALongPi) {
  const uint64_t n = 123456;
  json last = view_for(n);
  EXPECT_EQ(last["from"], "118457");
  EXPECT_EQ(last["to"], "123456");
  EXPECT_EQ(shown(last), fake_decimals(118457, 123456));

  json first = view_for(n, 1);
  EXPECT_EQ(first["from"], "1");
  EXPECT_EQ(first["to"], "5000");
  EXPECT_EQ(first["lines"][0]["head"], "3.");
  EXPECT_EQ(first["nav"]["first"], "");
  EXPECT_EQ(first["nav"]["prev"], "");
  EXPECT_EQ(first["nav"]["next"], "/pi/123456?from=5001");
  EXPECT_EQ(first["nav"]["last"], "/pi/123456");
  for (const auto& line : first["lines"]) {
    for (const auto& g : line["groups"]) EXPECT_EQ(g["marked"], "");
  }

  // A window that reaches n from an odd start: the last line is short, n is marked.
  json tail = view_for(n, 120000);
  EXPECT_EQ(tail["from"], "120000");
  EXPECT_EQ(tail["to"], "123456");
  EXPECT_EQ(tail["nav"]["prev"], "/pi/123456?from=115000");
  EXPECT_EQ(tail["nav"]["next"], "");
  const auto& last_line = tail["lines"].back();
  EXPECT_EQ(last_line["pos"], "123450");
  EXPECT_EQ(last_line["groups"].back()["digits"], "012345");
  EXPECT_EQ(last_line["groups"].back()["marked"], "6");
  EXPECT_EQ(shown(tail), fake_decimals(120000, n));
  expect_layout(tail);
}

TEST(ViewsTest, ToDataFollowsMustacheJsTruthiness) {
  kainjow::mustache::mustache tmpl(
      "{{#a}}A{{/a}}{{#b}}B{{/b}}{{#c}}C{{/c}}{{#d}}D{{/d}}{{#e}}E{{/e}}[{{n}}][{{f}}][{{a}}]");
  json view = {{"a", ""}, {"b", nullptr}, {"c", "x"}, {"d", true}, {"e", json::array()},
               {"n", 0},  {"f", 0.5}};
  auto data = to_data(view);
  EXPECT_EQ(tmpl.render(data), "CD[0][0.5][]");
}

IndexListing listing(int64_t seq, uint64_t next_before, bool has_tasks) {
  IndexListing l;
  l.seq = seq;
  l.next_before = next_before;
  l.has_tasks = has_tasks;
  l.counts = {{"queued", 2}, {"running", 1}, {"done", 1234}, {"error", 0}, {"cancelled", 3}};
  return l;
}

TEST(ViewsTest, IndexViewAndErrorView) {
  json v = index_view(listing(42, 7, true), 100'000'000, "<tr></tr>");
  EXPECT_EQ(v["seq"], "42");
  EXPECT_EQ(v["max_digits_text"], "100,000,000");
  EXPECT_EQ(v["has_more"], true);
  EXPECT_EQ(v["has_tasks"], true);
  EXPECT_EQ(v["next_before"], "7");
  EXPECT_EQ(v["more_url"], "/?before=7");
  EXPECT_EQ(v["newer_url"], "");  // the first page
  EXPECT_EQ(v["row_template"], "<tr></tr>");
  EXPECT_EQ(index_view(listing(0, 0, false), 10, "")["next_before"], "");
  EXPECT_EQ(index_view(listing(0, 0, false), 10, "")["has_more"], false);
  EXPECT_EQ(error_view(404, "t", "m", 12)["n"], "12");
  EXPECT_EQ(error_view(400, "t", "m")["n"], "");
}

TEST(ViewsTest, IndexTabsCountAndKeepTheFilterWhenPaging) {
  IndexListing l = listing(1, 30, true);
  l.status = "done";
  l.before = 80;
  json v = index_view(l, 10, "");
  ASSERT_EQ(v["tabs"].size(), 6u);
  EXPECT_EQ(v["tabs"][0], json({{"status", "all"},
                                {"label", "All"},
                                {"count", "1,240"},
                                {"url", "/"},
                                {"current", false}}));
  EXPECT_EQ(v["tabs"][3]["label"], "Done");
  EXPECT_EQ(v["tabs"][3]["count"], "1,234");
  EXPECT_EQ(v["tabs"][3]["current"], true);
  EXPECT_EQ(v["tabs"][4]["label"], "Failed");
  EXPECT_EQ(v["tabs"][4]["url"], "/?status=error");
  EXPECT_EQ(v["more_url"], "/?status=done&before=30");
  EXPECT_EQ(v["newer_url"], "/?status=done");
  l.limit = 20;
  EXPECT_EQ(index_view(l, 10, "")["more_url"], "/?status=done&limit=20&before=30");
}

// The task JSON at time 0: rows of these tests show no ETA.
json to_json(const Task& task) { return pidigits::to_json(task, 0); }

Task task_of(std::vector<std::string> fields) {
  auto task = Task::from_hash(fields);
  EXPECT_TRUE(task);
  return task.value_or(Task{});
}

// The rules of CONTRACTS.md "Row view" (rows.js's rowView follows the same;
// tests/browser checks that rows rendered both ways are identical).
TEST(ViewsTest, RowViewOfADoneTask) {
  json v = row_view(
      to_json(task_of({"n", "1000000", "id", "7", "version", "6", "stage", "stored", "digit", "1",
                       "created_at", "1764130546123", "taken_at", "1764130546500", "stored_at",
                       "1764130547625", "source", "computed"})));
  EXPECT_EQ(v["n"], 1000000);
  EXPECT_EQ(v["id"], 7);
  EXPECT_EQ(v["version"], 6);
  EXPECT_EQ(v["url"], "/pi/1000000");
  EXPECT_EQ(v["n_text"], "1,000,000");
  EXPECT_EQ(v["status"], "done");
  EXPECT_EQ(v["done"], true);
  EXPECT_EQ(v["queued"], false);
  EXPECT_EQ(v["running"], false);
  EXPECT_EQ(v["failed"], false);
  EXPECT_EQ(v["cached"], false);
  EXPECT_EQ(v["digit_text"], "1");
  EXPECT_EQ(v["progress_pct"], 100);
  EXPECT_EQ(v["created"], "2025-11-26 04:15:46");
  EXPECT_EQ(v["created_at"], "2025-11-26T04:15:46.123Z");
  EXPECT_EQ(v["took"], "1.13 s");  // 1125 ms: hundredths round half up
  EXPECT_TRUE(v["error"].is_null());
}

TEST(ViewsTest, RowViewOfQueuedRunningFailedAndCachedTasks) {
  json queued = row_view(to_json(task_of({"n", "5", "stage", "scheduled"})));
  EXPECT_EQ(queued["queued"], true);
  EXPECT_EQ(queued["digit_text"], "");
  EXPECT_EQ(queued["took"], "");
  EXPECT_EQ(queued["progress_pct"], 0);

  json running = row_view(to_json(task_of({"n", "5", "stage", "calculated", "progress", "0.4299",
                                           "taken_at", "1000", "updated_at", "184000"})));
  EXPECT_EQ(running["running"], true);
  EXPECT_EQ(running["progress_pct"], 42);
  EXPECT_EQ(running["took"], "3 min 03 s");  // so far

  json failed =
      row_view(to_json(task_of({"n", "5", "stage", "error", "error", "<b>out of memory</b>"})));
  EXPECT_EQ(failed["failed"], true);
  EXPECT_EQ(failed["error"], "<b>out of memory</b>");  // escaped by the template

  json cached =
      row_view(to_json(task_of({"n", "32", "stage", "stored", "digit", "0", "source", "cached"})));
  EXPECT_EQ(cached["cached"], true);
  EXPECT_EQ(cached["digit_text"], "0");  // 0 is a digit, not "nothing"
  EXPECT_EQ(cached["activity"], "from stored digits");
}

// Status in words, the ETA, the actions a row offers.
TEST(ViewsTest, RowViewSaysWhatATaskIsDoing) {
  const auto view = [](json task) { return row_view(task); };
  json queued = {{"n", 5},
                 {"status", "queued"},
                 {"stage", "scheduled"},
                 {"queue_position", 1},
                 {"eta_ms", 12001}};
  EXPECT_EQ(view(queued)["activity"], "next in queue");
  EXPECT_EQ(view(queued)["eta_text"], "about 13 s left");  // whole seconds, up
  EXPECT_EQ(view(queued)["can_cancel"], true);
  EXPECT_EQ(view(queued)["can_retry"], false);
  queued["queue_position"] = 2;
  EXPECT_EQ(view(queued)["activity"], "2nd in queue");
  queued["queue_position"] = 13;
  EXPECT_EQ(view(queued)["activity"], "13th in queue");
  queued["queue_position"] = 23;
  EXPECT_EQ(view(queued)["activity"], "23rd in queue");
  queued["queue_position"] = nullptr;
  EXPECT_EQ(view(queued)["activity"], "waiting");

  json running = {{"n", 5},           {"status", "running"},
                  {"stage", "taken"}, {"phase", nullptr},
                  {"eta_ms", 123000}, {"stages", {{"taken", "2026-01-01T00:00:00.000Z"}}}};
  EXPECT_EQ(view(running)["activity"], "starting");
  EXPECT_EQ(view(running)["eta_text"], "about 2 min 03 s left");
  EXPECT_EQ(view(running)["taken_at"], "2026-01-01T00:00:00.000Z");
  running["phase"] = "series";
  EXPECT_EQ(view(running)["activity"], "computing: series");
  running["phase"] = "sqrt";
  EXPECT_EQ(view(running)["activity"], "computing: square root");
  running["phase"] = "conversion";
  EXPECT_EQ(view(running)["activity"], "converting to decimal");
  running["stage"] = "calculated";
  EXPECT_EQ(view(running)["activity"], "storing");

  json cancelled = {{"n", 5}, {"status", "cancelled"}, {"stage", "cancelled"}, {"eta_ms", 5}};
  EXPECT_EQ(view(cancelled)["cancelled"], true);
  EXPECT_EQ(view(cancelled)["can_retry"], true);
  EXPECT_EQ(view(cancelled)["can_cancel"], false);
  EXPECT_EQ(view(cancelled)["eta_text"], "");
  EXPECT_EQ(view(cancelled)["taken_at"], "");
}

}  // namespace
}  // namespace pidigits::fcgi
