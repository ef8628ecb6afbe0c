// The one command-line parser of the pidigits programs (pidigits, pi-fcgi,
// pi-worker, pi-relay): "--name VALUE" and "--name=VALUE", switches, --help,
// at most one positional argument. Every error is one line naming what is
// wrong, so that each program can print it and exit with status 2.
//
//   Flags flags;
//   flags.add_int("--procs", &options.procs, 1, 64);
//   flags.add_host_port("--listen", &options.listen);
//   bool help = false;
//   if (Status s = flags.parse(argc, argv, &help); !s.ok()) fail(s.message());
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "pidigits/status.h"

namespace pidigits {

// Parses a whole decimal string into [min, max]; false on anything else
// (sign, spaces, exponent, overflow, empty).
bool parse_uint(std::string_view text, uint64_t min, uint64_t max, uint64_t* out);

// "127.0.0.1:8081", "host.example:80" or "[::1]:8081" (the brackets are kept in
// host only as given: host is "::1").
struct HostPort {
  std::string host;
  int port = 0;
};
Result<HostPort> parse_host_port(std::string_view text);

class Flags {
 public:
  // Integer flag in [min, max].
  void add_int(std::string_view name, int* out, int min, int max);
  // String flag; the value may not be empty.
  void add_string(std::string_view name, std::string* out);
  // HOST:PORT flag, checked with parse_host_port, kept as given.
  void add_host_port(std::string_view name, std::string* out);
  // Any other flag with a value: set() checks and stores it (it may be given
  // several times), returning an error line or ok.
  void add_custom(std::string_view name, std::function<Status(std::string_view)> set);
  // Flag without a value.
  void add_switch(std::string_view name, bool* out);
  // The one positional argument: parse() returns an error line, or ok.
  // missing: the error line when it is absent.
  void add_positional(std::function<Status(std::string_view)> parse, std::string missing);

  // Parses argv[1..argc). --help or -h sets *help and skips the check for a
  // missing positional argument.
  Status parse(int argc, const char* const* argv, bool* help) const;

 private:
  struct Flag {
    std::string name;
    bool takes_value = true;
    std::function<Status(std::string_view)> set;
  };
  const Flag* find(std::string_view name) const;

  std::vector<Flag> flags_;
  std::function<Status(std::string_view)> positional_;
  std::string missing_;
};

}  // namespace pidigits
