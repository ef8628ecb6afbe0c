#include "progress_bar.h"

#include <unistd.h>

#include <string>

namespace pidigits::cli {
namespace {

constexpr int kBarWidth = 40;

}  // namespace

ProgressBar::ProgressBar(std::FILE* stream) : stream_(stream), tty_(isatty(fileno(stream)) == 1) {}

void ProgressBar::update(const Progress& progress) {
  int percent = static_cast<int>(progress.fraction * 100);
  if (tty_) {
    int filled = static_cast<int>(progress.fraction * kBarWidth);
    std::string bar(filled, '#');
    bar.resize(kBarWidth, '.');
    std::fprintf(stream_, "\r[%s] %3d%% %-10s", bar.c_str(), percent, phase_name(progress.phase));
    std::fflush(stream_);
    drawn_ = true;
    return;
  }
  int decile = percent / 10;
  if (decile == last_decile_) return;
  last_decile_ = decile;
  std::fprintf(stream_, "progress %3d%% %s\n", percent, phase_name(progress.phase));
}

void ProgressBar::done() {
  if (drawn_) std::fputc('\n', stream_);
}

}  // namespace pidigits::cli
