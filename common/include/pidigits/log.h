// One line per event on stderr. Arguments are streamed: log::info("task ", n,
// " taken"). Safe from any thread (each line is one write()).
//
// PI_LOG_FORMAT=text (default): "2026-11-26T04:15:46.123Z pi-worker[1234] info: text"
// PI_LOG_FORMAT=json, for log shippers: one object per line,
//   {"time":"2026-11-26T04:15:46.123Z","level":"info","program":"pi-worker","pid":1234,"message":"text"}
#pragma once

#include <sstream>
#include <string>
#include <string_view>

namespace pidigits::log {

// Call once in main, before threads; reads PI_LOG_FORMAT (load_config has
// rejected any value but text and json).
void set_program(std::string_view name);
void write(std::string_view level, std::string_view text);
// The line write() would send, newline included (for tests).
std::string format_line(std::string_view level, std::string_view text);

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
