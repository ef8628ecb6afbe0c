// Numbers appended to text without a stream or a temporary string.
#pragma once

#include <charconv>
#include <cstddef>
#include <string>
#include <type_traits>

namespace pidigits {

// Appends `value` in decimal, as std::to_string writes it.
template <typename Int>
  requires(std::is_integral_v<Int> && !std::is_same_v<Int, bool>)
void append_decimal(std::string& out, Int value) {
  char buffer[24];
  const char* end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
  out.append(buffer, static_cast<size_t>(end - buffer));
}

}  // namespace pidigits
