// Writing the digits: whole or not at all.
#ifndef PIDIGITS_CLI_OUTPUT_H_
#define PIDIGITS_CLI_OUTPUT_H_

#include <cstdio>
#include <string>
#include <string_view>

namespace pidigits::cli {

// Writes `data` to `path` through a temporary file in the same directory and
// rename(2), so `path` is either untouched or complete. Returns "" or one
// line describing the failure (the temporary file is removed).
std::string write_file_atomically(const std::string& path, std::string_view data);

// Writes `data` to `stream` and flushes; returns "" or one line (e.g. EPIPE).
std::string write_stream(std::FILE* stream, std::string_view data);

}  // namespace pidigits::cli

#endif  // PIDIGITS_CLI_OUTPUT_H_
