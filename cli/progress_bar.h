// The --progress display on stderr: a redrawn bar on a terminal, otherwise
// one line per 10% (logs stay short).
#ifndef PIDIGITS_CLI_PROGRESS_BAR_H_
#define PIDIGITS_CLI_PROGRESS_BAR_H_

#include <cstdio>

#include "pidigits/engine.h"

namespace pidigits::cli {

class ProgressBar {
 public:
  explicit ProgressBar(std::FILE* stream);
  void update(const Progress& progress);
  // Ends the bar's line (call once, after the run).
  void done();

 private:
  std::FILE* stream_;
  bool tty_;
  int last_decile_ = -1;
  bool drawn_ = false;
};

}  // namespace pidigits::cli

#endif  // PIDIGITS_CLI_PROGRESS_BAR_H_
