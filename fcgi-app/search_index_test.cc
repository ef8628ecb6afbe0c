// The search index against a naive search (std::string::find) on real pi.
#include "search_index.h"

#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>

#include "testing/pi_decimals.h"
#include "testing/redis_test.h"

namespace pidigits::fcgi {
namespace {
using testing::pi_decimals;

uint64_t naive(std::string_view decimals, std::string_view q) {
  size_t at = decimals.find(q);
  return at == std::string_view::npos ? 0 : at + 1;
}

// Every string of 1 to 3 digits, substrings of pi of 4 to 20 digits (found),
// and random strings of 4 to 20 digits (mostly absent).
std::vector<std::string> queries(std::string_view decimals, int samples) {
  std::vector<std::string> out;
  for (int k = 1; k <= 3; ++k) {
    for (int v = 0, end = k == 1 ? 10 : k == 2 ? 100 : 1000; v < end; ++v) {
      std::string q = std::to_string(v);
      out.push_back(std::string(k - q.size(), '0') + q);
    }
  }
  std::mt19937_64 random(8);
  for (int i = 0; i < samples; ++i) {
    const size_t len = 4 + random() % (kMaxQueryDigits - 3);
    out.emplace_back(decimals.substr(random() % (decimals.size() - len), len));
    std::string made;
    for (size_t j = 0; j < len; ++j) made.push_back(static_cast<char>('0' + random() % 10));
    out.push_back(made);
  }
  return out;
}

TEST(DigitsIndexTest, FindsWhatANaiveSearchFindsOnRealPi) {
  const std::string& decimals = pi_decimals();
  // The service's blocks (4 at 200,000 decimals), and small ones: thousands
  // of block boundaries, matches across them.
  for (uint64_t block : {kBlockDecimals, uint64_t{20}, uint64_t{64}, uint64_t{1000}}) {
    DigitsIndex index(decimals, block);
    EXPECT_EQ(index.length(), decimals.size());
    int found = 0;
    for (const std::string& q : queries(decimals, 3000)) {
      const uint64_t want = naive(decimals, q);
      ASSERT_EQ(index.find(q), want) << "q=" << q << " block=" << block;
      found += want != 0;
    }
    EXPECT_GT(found, 3000);  // the test looks at both answers
  }
}

TEST(DigitsIndexTest, MatchesAcrossBlockBoundaries) {
  const std::string& decimals = pi_decimals();
  constexpr uint64_t kBlock = 100;
  DigitsIndex index(decimals, kBlock);
  for (uint64_t boundary = kBlock; boundary < 50'000; boundary += kBlock) {
    for (size_t len : {size_t{7}, size_t{12}, kMaxQueryDigits}) {
      for (size_t back = 1; back < len; back += 3) {
        const std::string q = decimals.substr(boundary - back, len);
        ASSERT_EQ(index.find(q), naive(decimals, q)) << q << " at " << boundary - back + 1;
      }
    }
  }
}

TEST(DigitsIndexTest, KnownPositions) {
  DigitsIndex index(pi_decimals());
  EXPECT_EQ(index.find("1"), 1u);
  EXPECT_EQ(index.find("14159265358979323846"), 1u);
  EXPECT_EQ(index.find("0"), 32u);         // 3.14159265358979323846264338327950...
  EXPECT_EQ(index.find("999999"), 762u);   // the Feynman point (pi-vectors.txt)
  EXPECT_EQ(index.find("9999999"), 0u);    // not in the first 200,000
  EXPECT_EQ(index.find("0000000000"), 0u);
}

TEST(DigitsIndexTest, MatchesEndingAtTheLastDecimalCount) {
  const std::string_view decimals = std::string_view(pi_decimals()).substr(0, 50);
  DigitsIndex index{std::string(decimals)};
  EXPECT_EQ(index.find("510"), 48u);  // decimals 48-50
  EXPECT_EQ(index.find("5105"), 0u);  // decimal 51 (8) is not indexed
  EXPECT_EQ(index.find("7510"), 47u);
  EXPECT_EQ(index.find("37510"), 46u);
  EXPECT_EQ(index.find("937510"), 45u);
  EXPECT_EQ(index.find("9937510"), 44u);
}

TEST(DigitsIndexTest, ExtendingAnswersAsBuildingAnew) {
  const std::string& decimals = pi_decimals();
  for (size_t cut : {size_t{0}, size_t{3}, size_t{7}, size_t{30}, size_t{99'997}}) {
    DigitsIndex shorter(decimals.substr(0, cut), 32);
    DigitsIndex extended(shorter, std::string_view(decimals).substr(cut));
    ASSERT_EQ(extended.length(), decimals.size());
    std::vector<std::string> qs = queries(decimals, 500);
    // Strings across the cut: their windows are the ones scanned on extension.
    for (size_t len = 1; len <= kMaxQueryDigits && cut >= len; ++len) {
      for (size_t back = 1; back < len; ++back) qs.push_back(decimals.substr(cut - back, len));
    }
    for (const std::string& q : qs) ASSERT_EQ(extended.find(q), naive(decimals, q)) << q;
  }
}

TEST(DigitsIndexTest, EmptyIndexFindsNothing) {
  DigitsIndex index{std::string()};
  EXPECT_EQ(index.find("1"), 0u);
  EXPECT_EQ(index.find("123456789"), 0u);
}

class SearchIndexTest : public testing::RedisTest {};

TEST_F(SearchIndexTest, SearchesTheStoredDecimalsAsTheyGrow) {
  const std::string& decimals = pi_decimals();
  SearchIndex search;
  auto none = search.search(*redis_, 1'000'000, "14");
  ASSERT_TRUE(none.ok()) << none.status().message();
  EXPECT_EQ(none->position, 0u);
  EXPECT_EQ(none->searched, 0u);

  // Small chunks: the index reads across their boundaries.
  put_digits("3." + decimals.substr(0, 1000), 64);
  auto found = search.search(*redis_, 1'000'000, "999999");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->position, 762u);
  EXPECT_EQ(found->searched, 1000u);
  const std::string later = decimals.substr(150'000, 12);
  auto absent = search.search(*redis_, 1'000'000, later);
  ASSERT_TRUE(absent.ok());
  EXPECT_EQ(absent->position, naive(decimals.substr(0, 1000), later));

  // A longer pi stored: remembered answers do not hide it.
  put_digits("3." + decimals, 4096);
  auto grown = search.search(*redis_, 1'000'000, later);
  ASSERT_TRUE(grown.ok());
  EXPECT_EQ(grown->position, naive(decimals, later));
  EXPECT_EQ(grown->searched, decimals.size());
  EXPECT_GT(search.memory_bytes(), decimals.size());

  // PI_SEARCH_MAX_DIGITS caps what is searched.
  auto capped = search.search(*redis_, 500, "999999");
  ASSERT_TRUE(capped.ok());
  EXPECT_EQ(capped->searched, 500u);
  EXPECT_EQ(capped->position, 0u);
}

TEST_F(SearchIndexTest, ThreadsSearchWhileTheStoredDigitsGrow) {
  const std::string& decimals = pi_decimals();
  SearchIndex search;
  put_digits("3." + decimals.substr(0, 10'000), 1000);
  std::atomic<bool> stop{false};
  std::atomic<int> answers{0};
  std::vector<std::thread> threads;
  std::vector<std::string> failures(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      RedisClient redis(server_->address());
      std::mt19937_64 random(t);
      while (!stop) {
        const size_t len = 1 + random() % kMaxQueryDigits;
        const std::string q = decimals.substr(random() % (decimals.size() - len), len);
        auto got = search.search(redis, 1'000'000, q);
        if (!got.ok()) {
          failures[t] = got.status().message();
          return;
        }
        // Whatever prefix it searched, the answer is that prefix's.
        const uint64_t want = naive(std::string_view(decimals).substr(0, got->searched), q);
        if (got->position != want) {
          failures[t] = q + ": " + std::to_string(got->position) + " in " +
                        std::to_string(got->searched) + ", want " + std::to_string(want);
          return;
        }
        ++answers;
      }
    });
  }
  for (size_t length : {50'000, 120'000, 200'000}) {
    put_digits("3." + decimals.substr(0, length), 1000);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  stop = true;
  for (auto& thread : threads) thread.join();
  for (const std::string& failure : failures) EXPECT_EQ(failure, "");
  EXPECT_GT(answers.load(), 100);
  RedisClient redis(server_->address());
  auto last = search.search(redis, 1'000'000, "1");
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->searched, 200'000u);
}

}  // namespace
}  // namespace pidigits::fcgi
