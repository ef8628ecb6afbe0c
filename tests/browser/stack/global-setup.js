// Starts deploy/start as a child process on spare ports with a fresh
// PI_DATA_DIR and waits until GET /healthz answers 200. What the tests need
// (base URL, data dir, pid) goes into process.env, which the test workers
// and globalTeardown inherit.
'use strict';

const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '../../..');
const START_TIMEOUT_MS = 40_000;

function portIsFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function anyFreePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// deploy/start puts FastCGI at HTTP+1 and the relay at HTTP+2: find a base
// whose three ports are free, and a fourth for Redis.
async function sparePorts() {
  for (let attempt = 0; attempt < 50; attempt++) {
    const http = await anyFreePort();
    if (http > 65000) continue;
    if ((await portIsFree(http + 1)) && (await portIsFree(http + 2))) {
      let redis = await anyFreePort();
      while (redis >= http && redis <= http + 2) redis = await anyFreePort();
      return { http, redis };
    }
  }
  throw new Error('no spare ports found');
}

async function healthy(url) {
  try {
    const response = await fetch(url + '/healthz');
    return response.status === 200;
  } catch (e) {
    return false;
  }
}

function tail(file, lines) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch (e) {
    return '(no log)';
  }
}

module.exports = async function globalSetup() {
  if (process.env.PI_BASE_URL) {
    if (!(await healthy(process.env.PI_BASE_URL))) {
      throw new Error(`PI_BASE_URL=${process.env.PI_BASE_URL} does not answer /healthz with 200`);
    }
    return;
  }
  const start = path.join(ROOT, 'deploy/start');
  if (!fs.existsSync(start)) throw new Error(`${start} does not exist`);

  const { http, redis } = await sparePorts();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pidigits-browser-'));
  const logFile = path.join(dataDir, 'start.log');
  const log = fs.openSync(logFile, 'a');
  const child = spawn(start, [], {
    cwd: ROOT,
    env: Object.assign({}, process.env, {
      PI_HTTP_PORT: String(http),
      PI_FCGI_PORT: String(http + 1),
      PI_RELAY_PORT: String(http + 2),
      PI_REDIS_PORT: String(redis),
      PI_HTTP_BIND: '127.0.0.1',
      PI_DATA_DIR: dataDir,
      PI_WORKERS: '2',
      PI_FCGI_PROCS: process.env.PI_FCGI_PROCS || '2',
    }),
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });

  const base = `http://127.0.0.1:${http}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await healthy(base))) {
    if (exited || Date.now() > deadline) {
      if (!exited) child.kill('SIGTERM');
      throw new Error(`deploy/start did not become healthy (${exited ? 'exited ' + JSON.stringify(exited) : 'timeout'}); ` +
        `last lines of ${logFile}:\n${tail(logFile, 30)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  process.env.PI_BASE_URL = base;
  process.env.PI_DATA_DIR = dataDir;
  process.env.PI_REDIS_PORT = String(redis);
  process.env.PI_STACK_PID = String(child.pid);
  process.env.PI_STACK_LOG = logFile;
  // The child must not keep the test runner alive; teardown stops it.
  child.unref();
};
