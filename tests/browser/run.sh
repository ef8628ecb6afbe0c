#!/usr/bin/env bash
# Runs the browser tests: installs @playwright/test from package-lock.json,
# then lets Playwright start the stack (deploy/start, on spare ports) and test
# it with Debian's chromium. Needs build/bin (cmake --build build) and the
# packages from deploy/install-deps (nginx, redis-server, chromium, libjs-mustache).
# Screenshots: tests/browser/test-results/screens/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
if [[ ! -d node_modules/@playwright/test ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
exec npx playwright test "$@"
