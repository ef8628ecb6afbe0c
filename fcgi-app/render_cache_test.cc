#include "render_cache.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace pidigits::fcgi {
namespace {

TEST(RenderCacheTest, FindsWhatWasPut) {
  RenderCache cache(1000);
  EXPECT_EQ(cache.find("a"), nullptr);
  CachedText put = cache.put("a", "text");
  EXPECT_EQ(*put, "text");
  ASSERT_NE(cache.find("a"), nullptr);
  EXPECT_EQ(*cache.find("a"), "text");
  cache.put("a", "other");
  EXPECT_EQ(*cache.find("a"), "other");
  EXPECT_EQ(cache.entries(), 1u);
  EXPECT_EQ(cache.bytes(), 1u + 5u);
}

TEST(RenderCacheTest, LeastRecentlyUsedLeavesFirst) {
  RenderCache cache(30);  // three entries of 1 + 9 bytes
  cache.put("a", "123456789");
  cache.put("b", "123456789");
  cache.put("c", "123456789");
  ASSERT_NE(cache.find("a"), nullptr);  // a is now the most recent
  cache.put("d", "123456789");          // b goes
  EXPECT_EQ(cache.find("b"), nullptr);
  EXPECT_NE(cache.find("a"), nullptr);
  EXPECT_NE(cache.find("c"), nullptr);
  EXPECT_NE(cache.find("d"), nullptr);
  EXPECT_LE(cache.bytes(), 30u);
}

TEST(RenderCacheTest, TooLargeIsReturnedButNotKept) {
  RenderCache cache(10);
  CachedText big = cache.put("k", std::string(100, 'x'));
  EXPECT_EQ(big->size(), 100u);
  EXPECT_EQ(cache.find("k"), nullptr);
  EXPECT_EQ(cache.bytes(), 0u);
}

TEST(RenderCacheTest, AHitOutlivesItsEviction) {
  RenderCache cache(20);
  cache.put("a", "0123456789");
  CachedText held = cache.find("a");
  cache.put("b", "0123456789abcdef");  // evicts a
  EXPECT_EQ(cache.find("a"), nullptr);
  EXPECT_EQ(*held, "0123456789");
}

TEST(RenderCacheTest, KeysTellVersionsAndCreationsApart) {
  Task task;
  task.n = 1000;
  task.id = 7;
  task.version = 3;
  const std::string key = task_cache_key('r', task);
  task.version = 4;
  EXPECT_NE(task_cache_key('r', task), key);
  task.version = 3;
  task.id = 8;  // deleted and created again
  EXPECT_NE(task_cache_key('r', task), key);
  task.id = 7;
  EXPECT_EQ(task_cache_key('r', task), key);
  EXPECT_NE(task_cache_key('j', task), key);
  EXPECT_NE(digits_cache_key(10, 1), digits_cache_key(101, 1));
  EXPECT_NE(digits_cache_key(1, 11), digits_cache_key(11, 1));
}

TEST(RenderCacheTest, ThreadsShareOneCache) {
  RenderCache cache(4096);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < 2000; ++i) {
        std::string key = std::to_string((i * 7 + t) % 300);
        if (CachedText hit = cache.find(key)) {
          EXPECT_EQ(*hit, "value " + key);
        } else {
          cache.put(key, "value " + key);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_LE(cache.bytes(), 4096u);
}

TEST(ListingsTest, KnowsTheLatestRenderingOfEachQuery) {
  RenderCache texts;
  Listings listings(texts);
  EXPECT_EQ(listings.find("i:::50").seq, 0);
  EXPECT_EQ(*listings.put("i:::50", 7, "page at 7"), "page at 7");
  Listings::Known known = listings.find("i:::50");
  EXPECT_EQ(known.seq, 7);
  ASSERT_TRUE(known.text);
  EXPECT_EQ(*known.text, "page at 7");
  EXPECT_EQ(listings.find("l:::50").seq, 0);  // another query
  listings.put("i:::50", 9, "page at 9");
  listings.put("i:::50", 8, "page at 8");  // rendered meanwhile by a slower thread
  EXPECT_EQ(listings.find("i:::50").seq, 9);
  EXPECT_EQ(*listings.find("i:::50").text, "page at 9");
}

TEST(ListingsTest, ARenderingNoLongerKeptIsNotKnown) {
  RenderCache texts(64);
  Listings listings(texts);
  listings.put("i:::50", 3, std::string(40, 'x'));
  texts.put("other", std::string(40, 'y'));  // pushes the page out
  EXPECT_EQ(listings.find("i:::50").seq, 0);
}

}  // namespace
}  // namespace pidigits::fcgi
