// The flags parser every program uses: both value forms, switches, the
// positional argument, and one-line errors that name the flag.
#include "pidigits/flags.h"

#include <gtest/gtest.h>

#include <vector>

namespace pidigits {
namespace {

struct Parsed {
  int procs = 2;
  std::string listen = "127.0.0.1:1";
  std::string out;
  bool stats = false;
  uint64_t n = 0;
  bool help = false;
  Status status;
};

Parsed parse(std::vector<const char*> args, bool with_positional = true) {
  Parsed p;
  Flags flags;
  flags.add_int("--procs", &p.procs, 1, 64);
  flags.add_host_port("--listen", &p.listen);
  flags.add_string("--out", &p.out);
  flags.add_switch("--stats", &p.stats);
  if (with_positional) {
    flags.add_positional(
        [&](std::string_view text) {
          return parse_uint(text, 1, 100, &p.n) ? Status()
                                                : Status::invalid_argument("N is 1..100");
        },
        "missing N");
  }
  args.insert(args.begin(), "prog");
  p.status = flags.parse(static_cast<int>(args.size()), args.data(), &p.help);
  return p;
}

TEST(FlagsTest, BothValueFormsSwitchesAndPositional) {
  Parsed p = parse({"7", "--procs", "3", "--listen=[::1]:9000", "--out", "x", "--stats"});
  ASSERT_TRUE(p.status.ok()) << p.status.message();
  EXPECT_EQ(p.n, 7u);
  EXPECT_EQ(p.procs, 3);
  EXPECT_EQ(p.listen, "[::1]:9000");
  EXPECT_EQ(p.out, "x");
  EXPECT_TRUE(p.stats);
  Parsed defaults = parse({}, false);
  EXPECT_TRUE(defaults.status.ok());
  EXPECT_EQ(defaults.procs, 2);
}

TEST(FlagsTest, ErrorsAreOneLineAndNameTheFlag) {
  EXPECT_EQ(parse({"1", "--procs", "0"}).status.message(),
            "--procs must be an integer from 1 to 64, got '0'");
  EXPECT_EQ(parse({"1", "--procs"}).status.message(), "--procs needs a value");
  EXPECT_EQ(parse({"1", "--out="}).status.message(), "--out needs a value");
  EXPECT_EQ(parse({"1", "--fast"}).status.message(), "unknown option '--fast' (see --help)");
  EXPECT_EQ(parse({"1", "2"}).status.message(), "unexpected argument '2'");
  EXPECT_EQ(parse({}).status.message(), "missing N");
  EXPECT_EQ(parse({"-5"}).status.message(), "N is 1..100");
  EXPECT_EQ(parse({"1", "--stats=yes"}).status.message(), "--stats takes no value");
  EXPECT_EQ(parse({"1", "--listen", "8081"}).status.message(),
            "--listen must be HOST:PORT (e.g. 127.0.0.1:8081), got '8081'");
  EXPECT_EQ(parse({"x"}, false).status.code(), Status::Code::kInvalidArgument);
}

TEST(FlagsTest, HelpSkipsTheMissingPositional) {
  Parsed p = parse({"--help"});
  EXPECT_TRUE(p.status.ok());
  EXPECT_TRUE(p.help);
}

TEST(FlagsTest, HostPort) {
  auto v4 = parse_host_port("127.0.0.1:8081");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 8081);
  EXPECT_EQ(parse_host_port("[::1]:80")->host, "::1");
  for (const char* bad : {"8081", ":80", "h:0", "h:65536", "::1:80", "[::1:80", "h:8x"}) {
    EXPECT_FALSE(parse_host_port(bad).ok()) << bad;
  }
}

TEST(FlagsTest, ParseUint) {
  uint64_t v = 0;
  EXPECT_TRUE(parse_uint("18446744073709551615", 0, UINT64_MAX, &v));
  EXPECT_FALSE(parse_uint("18446744073709551616", 0, UINT64_MAX, &v));
  for (const char* bad : {"", " 1", "+1", "-1", "1e3", "0x10"}) {
    EXPECT_FALSE(parse_uint(bad, 0, 100, &v)) << bad;
  }
}

}  // namespace
}  // namespace pidigits
