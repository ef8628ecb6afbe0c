#include "options.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace pidigits::worker {
namespace {

std::optional<Options> parse(std::vector<std::string> args, std::string* error) {
  std::vector<const char*> argv{"pi-worker"};
  for (const auto& a : args) argv.push_back(a.c_str());
  auto parsed = parse_options(static_cast<int>(argv.size()), argv.data());
  *error = parsed.status().message();
  if (!parsed.ok()) return std::nullopt;
  return *parsed;
}

TEST(OptionsTest, DefaultsAndBothForms) {
  std::string error;
  auto o = parse({}, &error);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->procs, 0);
  EXPECT_EQ(o->threads, 1);
  o = parse({"--procs", "3", "--threads=2"}, &error);
  ASSERT_TRUE(o) << error;
  EXPECT_EQ(o->procs, 3);
  EXPECT_EQ(o->threads, 2);
}

TEST(OptionsTest, BadValuesAreOneLineErrors) {
  std::string error;
  for (std::vector<std::string> args : {std::vector<std::string>{"--procs"},
                                        {"--procs", "0"},
                                        {"--threads", "x"},
                                        {"--threads", "65"},
                                        {"--bogus"},
                                        {"--procs=-1"}}) {
    error.clear();
    EXPECT_FALSE(parse(args, &error)) << args[0];
    EXPECT_NE(error, "");
    EXPECT_EQ(error.find('\n'), std::string::npos);
  }
}

}  // namespace
}  // namespace pidigits::worker
