#include "pidigits/log.h"

#include <unistd.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "pidigits/clock.h"
#include "pidigits/process.h"

namespace pidigits::log {
namespace {
std::string program = "pidigits";
bool json = false;
}  // namespace

void set_program(std::string_view name) {
  program = name;
  const char* format = std::getenv("PI_LOG_FORMAT");
  json = format != nullptr && std::string_view(format) == "json";
}

std::string format_line(std::string_view level, std::string_view text) {
  if (json) {
    nlohmann::ordered_json line = {{"time", iso_time(now_ms())},
                                   {"level", level},
                                   {"program", program},
                                   {"pid", own_pid()},
                                   {"message", text}};
    // A message may quote bytes from outside (a bad request): replace invalid
    // UTF-8 rather than throw from a log call.
    return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + '\n';
  }
  std::string line = iso_time(now_ms());
  line += ' ';
  line += program;
  line += '[' + std::to_string(own_pid()) + "] ";
  line += level;
  line += ": ";
  line += text;
  line += '\n';
  return line;
}

void write(std::string_view level, std::string_view text) {
  std::string line = format_line(level, text);
  // One write() keeps lines from different threads and processes whole.
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

}  // namespace pidigits::log
