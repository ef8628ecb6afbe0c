#include "output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "pidigits/io.h"

namespace pidigits::cli {
namespace {

std::string errno_message(const std::string& what) { return what + ": " + std::strerror(errno); }

bool write_all(int fd, std::string_view data) {
  return pidigits::write_all(fd, data.data(), data.size());
}

}  // namespace

std::string write_file_atomically(const std::string& path, std::string_view data) {
  std::string tmp_template = path + ".tmp.XXXXXX";
  std::vector<char> tmp(tmp_template.begin(), tmp_template.end());
  tmp.push_back('\0');
  int fd = mkstemp(tmp.data());
  if (fd < 0) return errno_message("cannot create a temporary file beside " + path);
  // mkstemp makes 0600; give the file the mode a plain create would.
  mode_t mask = umask(0);
  umask(mask);
  std::string error;
  if (fchmod(fd, 0666 & ~mask) != 0) {
    error = errno_message("cannot set the mode of " + std::string(tmp.data()));
  } else if (!write_all(fd, data)) {
    error = errno_message("cannot write " + std::string(tmp.data()));
  } else if (fsync(fd) != 0) {
    error = errno_message("cannot sync " + std::string(tmp.data()));
  }
  if (close(fd) != 0 && error.empty()) {
    error = errno_message("cannot close " + std::string(tmp.data()));
  }
  if (error.empty() && rename(tmp.data(), path.c_str()) != 0) {
    error = errno_message("cannot rename to " + path);
  }
  if (!error.empty()) unlink(tmp.data());
  return error;
}

std::string write_stream(std::FILE* stream, std::string_view data) {
  if (std::fwrite(data.data(), 1, data.size(), stream) != data.size() || std::fflush(stream) != 0) {
    return errno_message("cannot write the output");
  }
  return "";
}

}  // namespace pidigits::cli
