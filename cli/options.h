// Command line of `pidigits`:
//   pidigits N [--threads T] [--out FILE] [--progress] [--stats] | --help
#ifndef PIDIGITS_CLI_OPTIONS_H_
#define PIDIGITS_CLI_OPTIONS_H_

#include <cstdint>
#include <string>

namespace pidigits::cli {

struct Options {
  uint64_t n = 0;
  int threads = 1;
  std::string out_path;  // empty: digits go to stdout
  bool progress = false;
  bool stats = false;
  bool help = false;
};

// The usage text printed by --help.
const char* Usage();

// Parses argv[1..argc). On error returns false and sets *error to one line
// without the program name, e.g. "N must be an integer from 1 to
// 1000000000, got '12abc'".
bool ParseOptions(int argc, const char* const* argv, Options* options, std::string* error);

}  // namespace pidigits::cli

#endif  // PIDIGITS_CLI_OPTIONS_H_
