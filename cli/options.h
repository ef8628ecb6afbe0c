// Command line of `pidigits`:
//   pidigits N [--threads T] [--out FILE] [--progress] [--stats] | --help
#ifndef PIDIGITS_CLI_OPTIONS_H_
#define PIDIGITS_CLI_OPTIONS_H_

#include <cstdint>
#include <string>

#include "pidigits/status.h"

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
const char* usage();

// Parses argv[1..argc). An error is one line without the program name, e.g.
// "N must be an integer from 1 to 1000000000, got '12abc'".
Result<Options> parse_options(int argc, const char* const* argv);

}  // namespace pidigits::cli

#endif  // PIDIGITS_CLI_OPTIONS_H_
