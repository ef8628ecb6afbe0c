// Starts the real pidigits stack (deploy/start: redis-server, pi-worker,
// pi-fcgi, pi-relay, nginx) on spare ports with a fresh data directory, and
// gives tests what they need to drive and hurt it.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// `count` distinct ports free on 127.0.0.1 now. Every listener stays open until
// all are taken: ports taken one at a time can repeat (a port just closed is
// handed out again), and two programs of one stack then fight over it.
export async function freePorts(count) {
  const servers = [];
  try {
    for (let i = 0; i < count; i += 1) {
      const server = net.createServer();
      server.unref();
      servers.push(server);
      await new Promise((resolve, reject) => {
        server.on('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
    }
    return servers.map((server) => server.address().port);
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(() => resolve()))));
  }
}

export async function freePort() {
  return (await freePorts(1))[0];
}

// Polls fn until it returns a truthy value or timeoutMs passes. `what` names
// the wait in the error (a function is called then, to show late state).
export async function waitFor(fn, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await sleep(100);
  }
  const name = typeof what === 'function' ? what() : what;
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${name} (last: ${last})`);
}

// Known digits from shared/testdata/pi-vectors.txt (copied into tests/data).
export function vectors() {
  const text = fs.readFileSync(path.join(ROOT, 'tests/data/pi-vectors.txt'), 'utf8');
  const decimals = [];
  const sha256 = new Map();
  for (const line of text.split('\n')) {
    const d = line.match(/^decimals (\d+)-(\d+) (\d+)$/);
    if (d) decimals.push({ from: +d[1], to: +d[2], digits: d[3] });
    const h = line.match(/^sha256 (\d+) ([0-9a-f]{64})$/);
    if (h) sha256.set(+h[1], h[2]);
  }
  return { decimals, sha256 };
}

export class Stack {
  // options.softNofile: start deploy/start with that soft open-file limit, as
  // a login shell's `ulimit -Sn` would (ws.test.mjs checks that nginx and the
  // relay raise their own).
  static async start(env = {}, options = {}) {
    const stack = new Stack();
    await stack.#start(env, options);
    return stack;
  }

  async #start(env, options) {
    const [httpPort, redisPort, fcgiPort, relayPort] = await freePorts(4);
    this.httpPort = httpPort;
    this.redisPort = redisPort;
    this.dataDir = env.PI_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pidigits-it-'));
    this.env = {
      ...process.env,
      PI_HTTP_PORT: String(this.httpPort),
      PI_REDIS_PORT: String(this.redisPort),
      PI_FCGI_PORT: String(fcgiPort),
      PI_RELAY_PORT: String(relayPort),
      PI_HTTP_BIND: '127.0.0.1',
      PI_DATA_DIR: this.dataDir,
      PI_WORKERS: '2',
      PI_FCGI_PROCS: '2',
      PI_SUBMIT_RATE: '1000',
      PI_SUBMIT_BURST: '1000',
      // Every test client is 127.0.0.1: tests of the per-client limits set their own.
      PI_MAX_QUEUED_PER_CLIENT: '1000',
      ...env,
    };
    this.url = `http://127.0.0.1:${this.httpPort}`;
    this.log = '';
    const start = path.join(ROOT, 'deploy/start');
    // prlimit sets the limit and then execs deploy/start: the pid stays the same.
    const [command, args] = options.softNofile
      ? ['prlimit', [`--nofile=${options.softNofile}:`, start]]
      : [start, []];
    this.proc = spawn(command, args, {
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk) => {
      this.log += chunk;
      if (process.env.PI_TEST_VERBOSE) process.stderr.write(chunk);
    };
    this.proc.stdout.on('data', collect);
    this.proc.stderr.on('data', collect);
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
    await waitFor(async () => (await fetch(`${this.url}/healthz`)).status === 200, 30000,
      () => `pidigits on ${this.url} to be healthy; log:\n${this.log}`).catch(async (e) => {
      await this.stop();
      throw e;
    });
    // The relay must be up too before tests rely on events.
    await waitFor(() => this.pid('pi-relay') && this.pid('pi-worker'), 10000, 'relay and workers');
  }

  // Pid of a supervised top-level process (redis, pi-worker, pi-fcgi, pi-relay, nginx).
  pid(name) {
    try {
      return Number(fs.readFileSync(path.join(this.dataDir, 'run', `${name}.pid`), 'utf8').trim()) || 0;
    } catch {
      return 0;
    }
  }

  // Direct children of a pid (the masters' pre-forked children).
  children(pid) {
    try {
      return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
        .split('\n').map((s) => Number(s.trim())).filter(Boolean);
    } catch {
      return [];
    }
  }

  // Every process this stack started, found from deploy/start down.
  descendants(pid = this.proc.pid) {
    const out = [];
    for (const child of this.children(pid)) out.push(child, ...this.descendants(child));
    return out;
  }

  redis(...args) {
    return execFileSync('redis-cli', ['-p', String(this.redisPort), '--no-raw', ...args], {
      encoding: 'utf8',
    }).trim();
  }
  redisRaw(...args) {
    return execFileSync('redis-cli', ['-p', String(this.redisPort), ...args], { encoding: 'utf8' }).trim();
  }

  // Stores `digits` ("3." and decimals, a Buffer) as the service's digits, in
  // one chunk (common/include/pidigits/digits.h has the layout).
  putDigits(digits) {
    const chunkBytes = Math.max(digits.length, 1 << 20);
    execFileSync('redis-cli', ['-p', String(this.redisPort), '-x', 'SET', 'pi:digits'], { input: digits });
    this.redisRaw('HSET', 'pi:digits:info', 'length', String(digits.length), 'chunk_bytes', String(chunkBytes));
  }

  async post(body, headers = { 'Content-Type': 'application/json' }, path = '/api/tasks') {
    const res = await fetch(`${this.url}${path}`, { method: 'POST', headers, body });
    const text = await res.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON: the test decides */ }
    return { status: res.status, headers: res.headers, json, text };
  }
  async submit(n) {
    return this.post(JSON.stringify({ n }));
  }
  async task(n) {
    const res = await fetch(`${this.url}/api/tasks/${n}`);
    return res.status === 200 ? res.json() : null;
  }
  // Creates the task for n (201, or it throws) and waits until a worker runs it.
  async runningTask(n) {
    const res = await this.submit(n);
    if (res.status !== 201) throw new Error(`POST n=${n} answered ${res.status}, not 201: ${res.text}`);
    return waitFor(async () => {
      const t = await this.task(n);
      return t?.status === 'running' && t.worker ? t : null;
    }, 20000, `task ${n} running`);
  }
  async waitDone(n, timeoutMs = 60000) {
    return waitFor(async () => {
      const t = await this.task(n);
      if (t && t.status === 'error') throw new Error(`task ${n} failed: ${t.error}`);
      return t && t.status === 'done' ? t : null;
    }, timeoutMs, `task ${n} to be done`);
  }

  // Opens a WebSocket on /ws and records every message.
  async socket() {
    const ws = new WebSocket(`ws://127.0.0.1:${this.httpPort}/ws`);
    const messages = [];
    ws.addEventListener('message', (e) => messages.push(JSON.parse(e.data)));
    await new Promise((resolve, reject) => {
      ws.addEventListener('open', resolve, { once: true });
      ws.addEventListener('error', () => reject(new Error('WebSocket did not open')), { once: true });
    });
    return { ws, messages };
  }

  // SIGTERM to deploy/start; resolves with how long the stop took in ms. A
  // stack that has not stopped after 15 s is killed whole (deploy/start and
  // every process under it: left running, they would hold this test file's
  // pipes open and keep the suite from ending), and its log's end is printed.
  async stop() {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return 0;
    const started = Date.now();
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => {
      const left = this.descendants();
      process.stderr.write(`deploy/start (pid ${this.proc.pid}) did not stop within 15 s; ` +
        `killing it and ${left.length} processes under it. Its log ends:\n` +
        `${this.log.split('\n').slice(-40).join('\n')}\n`);
      for (const pid of [this.proc.pid, ...left]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
    }, 15000);
    await this.exited;
    clearTimeout(timer);
    return Date.now() - started;
  }
}

export function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
