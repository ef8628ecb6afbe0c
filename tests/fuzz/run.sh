#!/bin/sh
# Builds the libFuzzer target over pi-fcgi's request parsing (clang, in
# build-fuzz/) and runs it for RUNS inputs (default 1000000), starting from
# the seed corpus in tests/fuzz/corpus/. Exits non-zero on a crash or a
# sanitizer report. Usage: tests/fuzz/run.sh [RUNS]
set -eu
runs="${1:-1000000}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="$root/build-fuzz"
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPI_BUILD_FUZZ=ON -DPI_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" --target fuzz_request -j2 >/dev/null
# New inputs go to a scratch folder so the committed seeds stay small.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# libFuzzer reports every new input; its whole output goes to build-fuzz/fuzz.log, and only the
# final statistics (or, on a crash, the end of the log with the report) are printed.
log="$build/fuzz.log"
if "$build/bin/fuzz_request" -runs="$runs" -max_len=4200 -timeout=10 \
  -print_final_stats=1 "$work" "$root/tests/fuzz/corpus" >"$log" 2>&1; then
  grep -E '^(Done|stat::)' "$log"
else
  status=$?
  tail -n 60 "$log"
  echo "fuzzing: fuzz_request failed (exit $status); whole log: $log"
  exit "$status"
fi
