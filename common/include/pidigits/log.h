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
#include <type_traits>

#include "pidigits/text.h"

namespace pidigits::log {

// Call once in main, before threads; reads PI_LOG_FORMAT (load_config has
// rejected any value but text and json).
void set_program(std::string_view name);
void write(std::string_view level, std::string_view text);
// The line write() would send, newline included (for tests).
std::string format_line(std::string_view level, std::string_view text);

namespace detail {
// Characters and integers are appended directly (a stream costs more than a
// short log line); anything else as operator<< writes it.
template <typename T>
concept Integer = std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char> &&
                  !std::is_same_v<T, signed char> && !std::is_same_v<T, unsigned char>;

inline void append(std::string& out, std::string_view text) { out += text; }
inline void append(std::string& out, char c) { out += c; }
template <Integer T>
void append(std::string& out, T value) {
  append_decimal(out, value);
}
template <typename T>
  requires(!std::is_convertible_v<const T&, std::string_view> && !Integer<T>)
void append(std::string& out, const T& value) {
  std::ostringstream stream;
  stream << value;
  out += stream.str();
}
}  // namespace detail

template <typename... Args>
std::string concat(const Args&... args) {
  std::string out;
  (detail::append(out, args), ...);
  return out;
}

template <typename... Args>
void info(const Args&... args) { write("info", concat(args...)); }
template <typename... Args>
void warn(const Args&... args) { write("warn", concat(args...)); }
template <typename... Args>
void error(const Args&... args) { write("error", concat(args...)); }

}  // namespace pidigits::log
