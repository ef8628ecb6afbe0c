#include "options.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "pidigits/config.h"

namespace pidigits::worker {

const char* usage() { return "usage: pi-worker [--procs N] [--threads T]"; }

std::optional<Options> parse_options(const std::vector<std::string>& args, std::string* error) {
  Options options;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::string value;
    bool has_value = false;
    if (auto eq = flag.find('='); flag.starts_with("--") && eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag.resize(eq);
      has_value = true;
    }
    if (flag == "--help" || flag == "-h") {
      options.help = true;
      continue;
    }
    if (flag != "--procs" && flag != "--threads") {
      *error = "unknown option '" + args[i] + "'; " + usage();
      return std::nullopt;
    }
    if (!has_value) {
      if (i + 1 == args.size()) {
        *error = flag + " needs a value; " + usage();
        return std::nullopt;
      }
      value = args[++i];
    }
    const int max = flag == "--procs" ? kMaxProcs : kMaxThreads;
    uint64_t number = 0;
    if (!parse_uint(value, 1, static_cast<uint64_t>(max), &number)) {
      *error =
          flag + " must be an integer from 1 to " + std::to_string(max) + ", got '" + value + "'";
      return std::nullopt;
    }
    (flag == "--procs" ? options.procs : options.threads) = static_cast<int>(number);
  }
  return options;
}

int default_procs() {
  uint64_t workers = 0;
  const char* env = std::getenv("PI_WORKERS");
  if (env != nullptr && parse_uint(env, 1, kMaxProcs, &workers)) return static_cast<int>(workers);
  return static_cast<int>(std::max<long>(1, sysconf(_SC_NPROCESSORS_ONLN)));
}

}  // namespace pidigits::worker
