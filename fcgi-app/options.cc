#include "options.h"

#include "pidigits/flags.h"

namespace pidigits::fcgi {

Result<Options> parse_options(int argc, const char* const* argv) {
  Options options;
  Flags flags;
  flags.add_host_port("--listen", &options.listen);
  flags.add_int("--procs", &options.procs, 1, 64);
  flags.add_int("--threads", &options.threads, 1, 256);
  flags.add_string("--templates", &options.templates);
  if (Status s = flags.parse(argc, argv, &options.help); !s.ok()) return s;
  return options;
}

}  // namespace pidigits::fcgi
