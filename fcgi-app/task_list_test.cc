#include "task_list.h"

#include <gtest/gtest.h>

#include "pidigits/keys.h"
#include "register.h"
#include "testing/redis_test.h"

namespace pidigits::fcgi {
namespace {

class TaskListTest : public testing::RedisTest {};

std::vector<uint64_t> ns(const TaskPage& page) {
  std::vector<uint64_t> out;
  for (const TaskRef& t : page.tasks) out.push_back(t.n);
  return out;
}

TEST_F(TaskListTest, EmptyList) {
  TaskPage page;
  std::string error;
  ASSERT_TRUE(list_tasks(*redis_, 50, 0, &page, &error)) << error;
  EXPECT_TRUE(page.tasks.empty());
  EXPECT_EQ(page.seq, 0);
  EXPECT_EQ(page.next_before, 0u);
}

TEST_F(TaskListTest, PagesNewestFirst) {
  for (uint64_t n : {10, 20, 30, 40, 50}) register_task(*redis_, n, 100, true, 1);  // ids 1..5
  redis_->command({"SET", keys::event_seq(), "17"});
  TaskPage page;
  std::string error;
  ASSERT_TRUE(list_tasks(*redis_, 2, 0, &page, &error)) << error;
  EXPECT_EQ(ns(page), (std::vector<uint64_t>{50, 40}));
  EXPECT_EQ(page.seq, 17);
  EXPECT_EQ(page.next_before, 4u);
  ASSERT_TRUE(list_tasks(*redis_, 2, page.next_before, &page, &error));
  EXPECT_EQ(ns(page), (std::vector<uint64_t>{30, 20}));
  EXPECT_EQ(page.next_before, 2u);
  ASSERT_TRUE(list_tasks(*redis_, 2, page.next_before, &page, &error));
  EXPECT_EQ(ns(page), (std::vector<uint64_t>{10}));
  EXPECT_EQ(page.next_before, 0u);
  // Exactly a full page with nothing beyond: no next page.
  ASSERT_TRUE(list_tasks(*redis_, 5, 0, &page, &error));
  EXPECT_EQ(page.tasks.size(), 5u);
  EXPECT_EQ(page.next_before, 0u);
}

TEST_F(TaskListTest, SkipsIndexEntriesWithoutATask) {
  for (uint64_t n : {1, 2, 3}) register_task(*redis_, n, 100, true, 1);
  redis_->command({"DEL", keys::task(2)});
  TaskPage page;
  std::string error;
  ASSERT_TRUE(list_tasks(*redis_, 50, 0, &page, &error));
  EXPECT_EQ(ns(page), (std::vector<uint64_t>{3, 1}));
}

TEST_F(TaskListTest, ListsVersionsAndLoadsTasks) {
  for (uint64_t n : {7, 8}) register_task(*redis_, n, 100, true, 1);
  redis_->command({"HINCRBY", keys::task(8), "version", "3"});
  TaskPage page;
  std::string error;
  ASSERT_TRUE(list_tasks(*redis_, 50, 0, &page, &error)) << error;
  ASSERT_EQ(page.tasks.size(), 2u);
  EXPECT_EQ(page.tasks[0].n, 8u);
  EXPECT_EQ(page.tasks[0].id, 2u);
  EXPECT_EQ(page.tasks[0].version, 5u);  // 2 at registration, then 3 more
  EXPECT_EQ(page.tasks[1].version, 2u);

  std::vector<std::optional<Task>> tasks;
  ASSERT_TRUE(load_tasks(*redis_, {8, 99, 7}, &tasks, &error)) << error;
  ASSERT_EQ(tasks.size(), 3u);
  ASSERT_TRUE(tasks[0]);
  EXPECT_EQ(tasks[0]->n, 8u);
  EXPECT_EQ(tasks[0]->version, 5u);
  EXPECT_FALSE(tasks[1]);  // no such task
  ASSERT_TRUE(tasks[2]);
  EXPECT_EQ(tasks[2]->stage, Stage::kScheduled);
  ASSERT_TRUE(load_tasks(*redis_, {}, &tasks, &error));
  EXPECT_TRUE(tasks.empty());
}

TEST_F(TaskListTest, RedisDownIsAnError) {
  RedisAddress nowhere = server_->address();
  nowhere.port = testing::spare_port();
  RedisClient down(nowhere, std::chrono::seconds(1));
  TaskPage page;
  std::string error;
  EXPECT_FALSE(list_tasks(down, 50, 0, &page, &error));
  EXPECT_EQ(error.rfind("Redis unavailable", 0), 0u) << error;
  std::vector<std::optional<Task>> tasks;
  EXPECT_FALSE(load_tasks(down, {1}, &tasks, &error));
}

}  // namespace
}  // namespace pidigits::fcgi
