#include "options.h"

#include <gtest/gtest.h>

#include <vector>

namespace pidigits::fcgi {
namespace {

bool parse(std::vector<const char*> args, Options* options, std::string* error) {
  args.insert(args.begin(), "pi-fcgi");
  auto parsed = parse_options(static_cast<int>(args.size()), args.data());
  if (parsed.ok()) *options = *parsed;
  *error = parsed.status().message();
  return parsed.ok();
}

TEST(OptionsTest, DefaultsAndBothFlagForms) {
  Options o;
  std::string error;
  ASSERT_TRUE(parse({}, &o, &error));
  EXPECT_EQ(o.listen, "127.0.0.1:8081");
  EXPECT_EQ(o.procs, 2);
  EXPECT_EQ(o.threads, 4);
  ASSERT_TRUE(parse({"--listen", "0.0.0.0:9000", "--procs=3", "--threads", "8", "--templates=/t"},
                    &o, &error));
  EXPECT_EQ(o.listen, "0.0.0.0:9000");
  EXPECT_EQ(o.procs, 3);
  EXPECT_EQ(o.threads, 8);
  EXPECT_EQ(o.templates, "/t");
}

TEST(OptionsTest, RefusesBadFlags) {
  Options o;
  std::string error;
  EXPECT_FALSE(parse({"--procs", "0"}, &o, &error));
  EXPECT_EQ(error, "--procs must be an integer from 1 to 64, got '0'");
  EXPECT_FALSE(parse({"--threads"}, &o, &error));
  EXPECT_FALSE(parse({"--listen", "8081"}, &o, &error));
  EXPECT_FALSE(parse({"--listen", "host:99999"}, &o, &error));
  EXPECT_FALSE(parse({"--bogus"}, &o, &error));
  EXPECT_EQ(error, "unknown option '--bogus' (see --help)");
}

}  // namespace
}  // namespace pidigits::fcgi
