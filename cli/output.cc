#include "output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace pidigits::cli {
namespace {

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

std::string WriteFileAtomically(const std::string& path, std::string_view data) {
  std::string tmp_template = path + ".tmp.XXXXXX";
  std::vector<char> tmp(tmp_template.begin(), tmp_template.end());
  tmp.push_back('\0');
  int fd = mkstemp(tmp.data());
  if (fd < 0) return Errno("cannot create a temporary file beside " + path);
  // mkstemp makes 0600; give the file the mode a plain create would.
  mode_t mask = umask(0);
  umask(mask);
  std::string error;
  if (fchmod(fd, 0666 & ~mask) != 0) {
    error = Errno("cannot set the mode of " + std::string(tmp.data()));
  } else if (!WriteAll(fd, data)) {
    error = Errno("cannot write " + std::string(tmp.data()));
  } else if (fsync(fd) != 0) {
    error = Errno("cannot sync " + std::string(tmp.data()));
  }
  if (close(fd) != 0 && error.empty()) {
    error = Errno("cannot close " + std::string(tmp.data()));
  }
  if (error.empty() && rename(tmp.data(), path.c_str()) != 0) {
    error = Errno("cannot rename to " + path);
  }
  if (!error.empty()) unlink(tmp.data());
  return error;
}

std::string WriteStream(std::FILE* stream, std::string_view data) {
  if (std::fwrite(data.data(), 1, data.size(), stream) != data.size() || std::fflush(stream) != 0) {
    return Errno("cannot write the output");
  }
  return "";
}

}  // namespace pidigits::cli
