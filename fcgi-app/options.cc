#include "options.h"

#include <string_view>

#include "pidigits/config.h"

namespace pidigits::fcgi {
namespace {
bool parse_int(std::string_view name, const std::string& text, int max, int* out,
               std::string* error) {
  uint64_t value = 0;
  if (!parse_uint(text, 1, static_cast<uint64_t>(max), &value)) {
    *error = std::string(name) + " must be an integer from 1 to " + std::to_string(max) +
             ", got '" + text + "'";
    return false;
  }
  *out = static_cast<int>(value);
  return true;
}

bool check_listen(const std::string& text, std::string* error) {
  auto colon = text.rfind(':');
  uint64_t port = 0;
  if (colon == std::string::npos || colon == 0 ||
      !parse_uint(std::string_view(text).substr(colon + 1), 1, 65535, &port)) {
    *error = "--listen must be HOST:PORT (e.g. 127.0.0.1:8081), got '" + text + "'";
    return false;
  }
  return true;
}
}  // namespace

bool parse_options(int argc, const char* const* argv, Options* options, std::string* error) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      options->help = true;
      return true;
    }
    std::string name = arg, value;
    if (auto eq = arg.find('='); arg.starts_with("--") && eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    } else if (name == "--listen" || name == "--procs" || name == "--threads" ||
               name == "--templates") {
      if (i + 1 >= argc) {
        *error = name + " needs a value; " + kUsage;
        return false;
      }
      value = argv[++i];
    }
    if (name == "--listen") {
      if (!check_listen(value, error)) return false;
      options->listen = value;
    } else if (name == "--procs") {
      if (!parse_int(name, value, 64, &options->procs, error)) return false;
    } else if (name == "--threads") {
      if (!parse_int(name, value, 256, &options->threads, error)) return false;
    } else if (name == "--templates") {
      if (value.empty()) {
        *error = "--templates needs a directory";
        return false;
      }
      options->templates = value;
    } else {
      *error = "unknown argument '" + arg + "'; " + kUsage;
      return false;
    }
  }
  return true;
}

}  // namespace pidigits::fcgi
