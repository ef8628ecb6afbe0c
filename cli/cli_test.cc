// Runs the built `pidigits` binary (path from the build: PIDIGITS_BINARY) and
// checks exit codes, messages and output bytes.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

namespace {

namespace fs = std::filesystem;

struct RunResult {
  int status = -1;
  std::string out;
  std::string err;
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/pidigits_cli_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  RunResult run(std::vector<std::string> args) {
    args.insert(args.begin(), PIDIGITS_BINARY);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::string out_path = dir_ / "stdout", err_path = dir_ / "stderr";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    RunResult r;
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    EXPECT_EQ(rc, 0);
    if (rc != 0) return r;
    int status = 0;
    waitpid(pid, &status, 0);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = read_file(out_path);
    r.err = read_file(err_path);
    return r;
  }

  fs::path dir_;
};

TEST_F(CliTest, PrintsDigitsAndNewline) {
  RunResult r = run({"20"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "3.14159265358979323846\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(CliTest, OutWritesExactBytes) {
  fs::path file = dir_ / "pi.txt";
  RunResult r = run({"30", "--threads", "2", "--out", file.string()});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(read_file(file), "3.141592653589793238462643383279");
  // Only the result is left in the directory (no temporary file).
  int entries = 0;
  for (const auto& e : fs::directory_iterator(dir_)) {
    entries += e.path().filename() == "pi.txt" ? 1 : 0;
    EXPECT_TRUE(e.path().filename() == "pi.txt" || e.path().filename() == "stdout" ||
                e.path().filename() == "stderr")
        << e.path();
  }
  EXPECT_EQ(entries, 1);
}

TEST_F(CliTest, UnwritableOutFailsWithoutLeftovers) {
  RunResult r = run({"10", "--out", (dir_ / "missing" / "pi.txt").string()});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("pidigits: cannot create"), std::string::npos) << r.err;
}

TEST_F(CliTest, BadArgumentsExitWithStatus2AndOneLine) {
  const std::vector<std::vector<std::string>> cases = {{"12abc"},
                                                       {"1e6"},
                                                       {"-5"},
                                                       {""},
                                                       {"0"},
                                                       {"1000000001"},
                                                       {"10", "--bogus"},
                                                       {"10", "--threads", "0"},
                                                       {"10", "--threads"},
                                                       {"10", "11"},
                                                       {}};
  for (const auto& args : cases) {
    RunResult r = run(args);
    std::string shown = args.empty() ? "(none)" : args[0];
    EXPECT_EQ(r.status, 2) << shown;
    EXPECT_EQ(r.out, "") << shown;
    ASSERT_FALSE(r.err.empty()) << shown;
    EXPECT_EQ(r.err.rfind("pidigits: ", 0), 0u) << r.err;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "one line: " << r.err;
  }
  EXPECT_EQ(run({"12abc"}).err,
            "pidigits: N must be an integer from 1 to 1000000000, got "
            "'12abc'\n");
}

TEST_F(CliTest, HelpAndStats) {
  RunResult help = run({"--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_EQ(help.out.rfind("usage: pidigits N", 0), 0u);
  RunResult stats = run({"1000", "--stats", "--progress"});
  EXPECT_EQ(stats.status, 0);
  EXPECT_NE(stats.err.find("peak RSS"), std::string::npos) << stats.err;
  EXPECT_NE(stats.err.find("progress 100% conversion"), std::string::npos) << stats.err;
}

}  // namespace
