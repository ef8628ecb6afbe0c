#include "options.h"

#include "pidigits/flags.h"

namespace pidigits::worker {

Result<Options> parse_options(int argc, const char* const* argv) {
  Options options;
  Flags flags;
  flags.add_int("--procs", &options.procs, 1, kMaxProcs);
  flags.add_int("--threads", &options.threads, 1, kMaxThreads);
  if (Status s = flags.parse(argc, argv, &options.help); !s.ok()) return s;
  return options;
}

}  // namespace pidigits::worker
