#include "options.h"

#include "pidigits/engine.h"
#include "pidigits/flags.h"

namespace pidigits::cli {

constexpr int kMaxThreads = 64;

const char* usage() {
  return "usage: pidigits N [--threads T] [--out FILE] [--progress] [--stats]\n"
         "Prints \"3.\" and the first N decimals of pi (truncated), 1 <= N <= "
         "1000000000.\n"
         "  --threads T  compute on T threads (1-64, default 1); same digits\n"
         "  --out FILE   write the digits to FILE (no newline) instead of "
         "stdout\n"
         "  --progress   draw a progress bar on stderr\n"
         "  --stats      print phase timings and peak memory on stderr\n"
         "  --help       print this text\n";
}

Result<Options> parse_options(int argc, const char* const* argv) {
  Options options;
  Flags flags;
  flags.add_int("--threads", &options.threads, 1, kMaxThreads);
  flags.add_string("--out", &options.out_path);
  flags.add_switch("--progress", &options.progress);
  flags.add_switch("--stats", &options.stats);
  flags.add_positional(
      [&](std::string_view text) {
        if (parse_uint(text, 1, kMaxDigits, &options.n)) return Status();
        std::string message = "N must be an integer from 1 to " + std::to_string(kMaxDigits) +
                              ", got '";
        message.append(text).push_back('\'');
        return Status::invalid_argument(message);
      },
      "missing N, the number of decimals (see --help)");
  if (Status s = flags.parse(argc, argv, &options.help); !s.ok()) return s;
  return options;
}

}  // namespace pidigits::cli
