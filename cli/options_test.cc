#include "options.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pidigits::cli {
namespace {

struct Parsed {
  bool ok;
  Options options;
  std::string error;
};

Parsed Parse(std::vector<const char*> args) {
  args.insert(args.begin(), "pidigits");
  Parsed p;
  auto parsed = parse_options(static_cast<int>(args.size()), args.data());
  p.ok = parsed.ok();
  if (p.ok) p.options = *parsed;
  p.error = parsed.status().message();
  return p;
}

TEST(OptionsTest, AcceptsAllFlags) {
  Parsed p = Parse({"1000", "--threads", "4", "--out", "pi.txt", "--progress", "--stats"});
  ASSERT_TRUE(p.ok) << p.error;
  EXPECT_EQ(p.options.n, 1000u);
  EXPECT_EQ(p.options.threads, 4);
  EXPECT_EQ(p.options.out_path, "pi.txt");
  EXPECT_TRUE(p.options.progress);
  EXPECT_TRUE(p.options.stats);
  Parsed q = Parse({"--threads=2", "--out=x", "1000000000"});
  ASSERT_TRUE(q.ok) << q.error;
  EXPECT_EQ(q.options.threads, 2);
  EXPECT_EQ(q.options.out_path, "x");
  EXPECT_EQ(q.options.n, 1'000'000'000u);
}

TEST(OptionsTest, RejectsBadN) {
  for (const char* bad :
       {"12abc", "1e6", "-5", "", "0", "1000000001", " 5", "+5", "99999999999999999999999"}) {
    Parsed p = Parse({bad});
    EXPECT_FALSE(p.ok) << bad;
    EXPECT_EQ(p.error, std::string("N must be an integer from 1 to "
                                   "1000000000, got '") +
                           bad + "'");
  }
}

TEST(OptionsTest, RejectsBadFlags) {
  EXPECT_EQ(Parse({"10", "--threads", "0"}).error,
            "--threads must be an integer from 1 to 64, got '0'");
  EXPECT_EQ(Parse({"10", "--threads"}).error, "--threads needs a value");
  EXPECT_EQ(Parse({"10", "--out"}).error, "--out needs a value");
  EXPECT_EQ(Parse({"10", "--fast"}).error, "unknown option '--fast' (see --help)");
  EXPECT_EQ(Parse({"10", "11"}).error, "unexpected argument '11'");
  EXPECT_EQ(Parse({}).error, "missing N, the number of decimals (see --help)");
  EXPECT_FALSE(Parse({"10", "--out="}).ok);
}

TEST(OptionsTest, HelpNeedsNoN) {
  Parsed p = Parse({"--help"});
  ASSERT_TRUE(p.ok);
  EXPECT_TRUE(p.options.help);
}

}  // namespace
}  // namespace pidigits::cli
