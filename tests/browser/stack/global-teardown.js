// Stops the stack globalSetup started: SIGTERM to deploy/start (which stops
// every process it runs), then waits for it to exit; SIGKILL after 15 s.
'use strict';

const fs = require('fs');

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return false;
  }
}

module.exports = async function globalTeardown() {
  const pid = Number(process.env.PI_STACK_PID);
  if (!pid) return;  // PI_BASE_URL was given: not ours to stop
  if (alive(pid)) process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 15_000;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) {
    console.error(`deploy/start (pid ${pid}) did not stop within 15 s of SIGTERM; killing it`);
    process.kill(pid, 'SIGKILL');
  }
  if (process.env.PI_DATA_DIR && !process.env.PI_KEEP_DATA) {
    fs.rmSync(process.env.PI_DATA_DIR, { recursive: true, force: true });
  }
};
