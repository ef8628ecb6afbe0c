#include "pidigits/log.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>

namespace pidigits {
namespace {

class LogFormat : public ::testing::Test {
 protected:
  void TearDown() override {
    unsetenv("PI_LOG_FORMAT");
    log::set_program("pidigits");
  }
};

// concat appends strings and integers itself; the text must stay what a
// stream writes, for every kind of argument.
TEST(LogConcat, WritesWhatAStreamWrites) {
  const std::string text = "text";
  const std::string_view view = "view";
  const unsigned char byte = 'u';
  const signed char sbyte = 's';
  const short small = -7;
  std::ostringstream want;
  want << "n=" << 42 << ' ' << -5 << text << view << 'c' << UINT64_MAX << INT64_MIN << true
       << 1.5 << 0.1 << byte << sbyte << small << size_t{9} << 3u << -1L;
  EXPECT_EQ(log::concat("n=", 42, ' ', -5, text, view, 'c', UINT64_MAX, INT64_MIN, true, 1.5, 0.1,
                        byte, sbyte, small, size_t{9}, 3u, -1L),
            want.str());
}

TEST_F(LogFormat, TextIsOneLineWithTimeProgramPidAndLevel) {
  unsetenv("PI_LOG_FORMAT");
  log::set_program("pi-test");
  std::string line = log::format_line("warn", "task 7 taken");
  std::string tail = " pi-test[" + std::to_string(getpid()) + "] warn: task 7 taken\n";
  ASSERT_GT(line.size(), tail.size());
  EXPECT_EQ(line.substr(line.size() - tail.size()), tail);
  EXPECT_EQ(line[4], '-');  // 2026-...
  EXPECT_EQ(line[line.size() - tail.size() - 1], 'Z');
}

// The pid in a line is read once per process: a forked child names itself.
TEST_F(LogFormat, AForkedChildLogsItsOwnPid) {
  unsetenv("PI_LOG_FORMAT");
  log::set_program("pi-test");
  log::format_line("info", "the parent's pid is now known");
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::string tail = std::to_string(getpid());
    tail.insert(0, 1, '[');
    tail += "] info: child\n";
    std::string line = log::format_line("info", "child");
    _exit(line.size() > tail.size() && line.substr(line.size() - tail.size()) == tail ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the child logged another pid than its own";
}

TEST_F(LogFormat, JsonIsOneObjectPerLine) {
  setenv("PI_LOG_FORMAT", "json", 1);
  log::set_program("pi-test");
  // Quotes, a backslash and a newline must stay inside the one line.
  std::string line = log::format_line("error", "bad \"n\" \\ here\nsecond");
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  auto object = nlohmann::json::parse(line);
  EXPECT_EQ(object["level"], "error");
  EXPECT_EQ(object["program"], "pi-test");
  EXPECT_EQ(object["pid"], getpid());
  EXPECT_EQ(object["message"], "bad \"n\" \\ here\nsecond");
  std::string time = object["time"];
  EXPECT_EQ(time.size(), 24u) << time;  // 2026-11-26T04:15:46.123Z
  EXPECT_EQ(time.back(), 'Z');
  EXPECT_EQ(line.rfind("{\"time\":", 0), 0u) << "fields in the documented order: " << line;
}

TEST_F(LogFormat, JsonReplacesInvalidUtf8InsteadOfThrowing) {
  setenv("PI_LOG_FORMAT", "json", 1);
  log::set_program("pi-test");
  std::string line = log::format_line("warn", std::string("bytes \xff\xfe from a request"));
  auto object = nlohmann::json::parse(line);
  std::string message = object["message"];
  EXPECT_EQ(message.rfind("bytes ", 0), 0u);
  EXPECT_NE(message.find(" from a request"), std::string::npos);
}

}  // namespace
}  // namespace pidigits
