#include "options.h"

#include <string_view>

#include "pidigits/engine.h"

namespace pidigits::cli {
namespace {

constexpr int kMaxThreads = 64;

// Accepts only plain decimal digits (no sign, spaces, exponent or suffix),
// with a value in [lo, hi].
bool ParseBounded(std::string_view text, uint64_t lo, uint64_t hi, uint64_t* value) {
  if (text.empty() || text.size() > 19) return false;  // 19 digits fit
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v < lo || v > hi) return false;
  *value = v;
  return true;
}

std::string Quoted(std::string_view text) {
  // Appended piecewise: "'" + std::string(...) trips a false -Wrestrict
  // in GCC 12.
  std::string quoted(1, '\'');
  quoted.append(text);
  quoted.push_back('\'');
  return quoted;
}

}  // namespace

const char* Usage() {
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

bool ParseOptions(int argc, const char* const* argv, Options* options, std::string* error) {
  Options parsed;
  bool have_n = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    // "--name=value" and "--name value" are both accepted for valued flags.
    std::string_view name = arg;
    std::string_view value;
    bool inline_value = false;
    if (arg.starts_with("--") && arg.find('=') != std::string_view::npos) {
      name = arg.substr(0, arg.find('='));
      value = arg.substr(arg.find('=') + 1);
      inline_value = true;
    }
    if (name == "--threads" || name == "--out") {
      if (!inline_value) {
        if (i + 1 >= argc) {
          *error = std::string(name) + " needs a value";
          return false;
        }
        value = argv[++i];
      }
      if (name == "--out") {
        if (value.empty()) {
          *error = "--out needs a file name";
          return false;
        }
        parsed.out_path = value;
        continue;
      }
      uint64_t threads = 0;
      if (!ParseBounded(value, 1, kMaxThreads, &threads)) {
        *error = "--threads must be an integer from 1 to " + std::to_string(kMaxThreads) +
                 ", got " + Quoted(value);
        return false;
      }
      parsed.threads = static_cast<int>(threads);
    } else if (arg == "--progress") {
      parsed.progress = true;
    } else if (arg == "--stats") {
      parsed.stats = true;
    } else if (arg == "--help" || arg == "-h") {
      parsed.help = true;
    } else if (arg.starts_with("-") && arg.size() > 1 && !(arg[1] >= '0' && arg[1] <= '9')) {
      // "-5" falls through to N so that the message is about N.
      *error = "unknown option " + Quoted(arg) + " (see --help)";
      return false;
    } else if (have_n) {
      *error = "unexpected argument " + Quoted(arg) + " (N given already)";
      return false;
    } else {
      if (!ParseBounded(arg, 1, kMaxDigits, &parsed.n)) {
        *error =
            "N must be an integer from 1 to " + std::to_string(kMaxDigits) + ", got " + Quoted(arg);
        return false;
      }
      have_n = true;
    }
  }
  if (!have_n && !parsed.help) {
    *error = "missing N, the number of decimals (see --help)";
    return false;
  }
  *options = parsed;
  return true;
}

}  // namespace pidigits::cli
