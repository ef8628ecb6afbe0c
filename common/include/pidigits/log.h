// One line per event on stderr: "2026-11-26T04:15:46.123Z pi-worker[1234] info: text".
// Arguments are streamed: log::info("task ", n, " taken"). Safe from any thread
// (each line is one write()).
#pragma once

#include <sstream>
#include <string_view>

namespace pidigits::log {

void set_program(std::string_view name);  // call once in main, before threads
void write(std::string_view level, std::string_view text);

template <typename... Args>
std::string concat(const Args&... args) {
  std::ostringstream out;
  (out << ... << args);
  return out.str();
}

template <typename... Args>
void info(const Args&... args) { write("info", concat(args...)); }
template <typename... Args>
void warn(const Args&... args) { write("warn", concat(args...)); }
template <typename... Args>
void error(const Args&... args) { write("error", concat(args...)); }

}  // namespace pidigits::log
