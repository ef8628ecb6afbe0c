#include "pidigits/log.h"

#include <unistd.h>

#include <string>

#include "pidigits/clock.h"

namespace pidigits::log {
namespace {
std::string program = "pidigits";
}

void set_program(std::string_view name) { program = name; }

void write(std::string_view level, std::string_view text) {
  std::string line = iso_time(now_ms());
  line += ' ';
  line += program;
  line += '[' + std::to_string(getpid()) + "] ";
  line += level;
  line += ": ";
  line += text;
  line += '\n';
  // One write() keeps lines from different threads and processes whole.
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

}  // namespace pidigits::log
