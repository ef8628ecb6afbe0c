// Command-line flags of pi-fcgi:
//   pi-fcgi [--listen 127.0.0.1:8081] [--procs 2] [--threads 4] [--templates DIR]
#pragma once

#include <string>

#include "pidigits/status.h"

namespace pidigits::fcgi {

struct Options {
  std::string listen = "127.0.0.1:8081";  // host:port of the FastCGI TCP socket
  int procs = 2;                          // pre-forked children
  int threads = 4;                        // request threads per child
  std::string templates = "frontend/templates";
  bool help = false;
};

inline constexpr const char* kUsage =
    "usage: pi-fcgi [--listen HOST:PORT] [--procs N] [--threads T] [--templates DIR]";

// "--flag value" and "--flag=value" (pidigits/flags.h); an error is one line.
Result<Options> parse_options(int argc, const char* const* argv);

}  // namespace pidigits::fcgi
