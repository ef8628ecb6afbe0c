// The multihost test's client (tests/multihost/run starts it inside the
// client host's namespace). Talks HTTP and WebSocket to the nginx host only.
//
//   node client.mjs post N                       201/200 -> prints the task JSON, else exits 1
//   node client.mjs task N                       prints the task JSON (exit 1 if none)
//   node client.mjs wait N STATUS SECONDS        polls until the task has STATUS; prints it
//   node client.mjs load OUT FIRST_N [KILL_FILE] requests until OUT.stop exists or, with
//                                                KILL_FILE, the service recovered after the kill
//   node client.mjs events OUT                   WebSocket /ws messages, one JSON line each,
//                                                until OUT.stop exists
//   node client.mjs summary OUT [KILL_FILE]      figures of a load run, as NAME=VALUE lines
//   node client.mjs verify OUT SECONDS           every task a load run saw acknowledged
//                                                exists and is done within SECONDS
// Every loop is bounded in time; every request has a 5 s timeout.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

const BASE = process.env.PI_MH_BASE ?? 'http://10.213.0.10:8080';
const REQUEST_TIMEOUT_MS = 5000;
const LOAD_LOOPS = 2;         // concurrent request loops (each has one request in flight)
const LOAD_PAUSE_MS = 40;     // between two iterations of a loop
const LOAD_MAX_MS = 60_000;   // a load run stops by itself after this
const RECOVERED_AFTER_MS = 3000;  // this long without a failure after the kill: recovered
const KILL_WINDOW_MS = 30_000;    // a load run with KILL_FILE stops this long after the kill
const MIN_WINDOW_MS = 10_000;     // ... and not before this long after it

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => Date.now();

async function request(method, path, body) {
  const t0 = now();
  try {
    const response = await fetch(BASE + path, {
      method,
      headers: body ? { 'Content-Type': 'application/json', Accept: 'application/json' } : { Accept: 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* an HTML error page */ }
    return { t0, t1: now(), status: response.status, json };
  } catch (e) {
    return { t0, t1: now(), status: 0, json: null, error: String(e.name ?? e) };
  }
}

const ok = (status) => status >= 200 && status < 300;

async function post(n) {
  const r = await request('POST', '/api/tasks', { n });
  if (!ok(r.status)) {
    console.error(`POST n=${n}: ${r.status} ${JSON.stringify(r.json ?? r.error)}`);
    process.exit(1);
  }
  console.log(JSON.stringify(r.json));
}

async function task(n) {
  const r = await request('GET', `/api/tasks/${n}`);
  if (r.status !== 200) {
    console.error(`GET /api/tasks/${n}: ${r.status}`);
    process.exit(1);
  }
  console.log(JSON.stringify(r.json));
}

async function wait(n, status, seconds) {
  const until = now() + seconds * 1000;
  let last = null;
  while (now() < until) {
    const r = await request('GET', `/api/tasks/${n}`);
    if (r.status === 200) {
      last = r.json;
      if (last.status === status) {
        console.log(JSON.stringify(last));
        return;
      }
      if (last.status === 'error') break;
    }
    await sleep(100);
  }
  console.error(`task ${n} is not ${status} after ${seconds} s: ${JSON.stringify(last)}`);
  process.exit(1);
}

function killTime(killFile) {
  if (!killFile || !existsSync(killFile)) return null;
  const t = Number(readFileSync(killFile, 'utf8').trim());
  return Number.isFinite(t) && t > 0 ? t : null;
}

// Records one line per request: {t0, t1, kind, n, status}. POSTs create new
// tasks (n from FIRST_N up, never repeated); GETs read a task acknowledged
// earlier, so a 404 there is a lost task.
async function load(out, firstN, killFile) {
  writeFileSync(out, '');
  const started = now();
  let nextN = firstN;
  const acked = [];
  let lastFailure = 0;
  const done = () => {
    if (existsSync(out + '.stop') || now() - started > LOAD_MAX_MS) return true;
    const kill = killTime(killFile);
    if (kill === null) return false;
    if (now() - kill > KILL_WINDOW_MS) return true;
    // Failures may come late (a request stuck on a dead connection fails
    // when its timeout ends), so look at least MIN_WINDOW_MS past the kill.
    const quietSince = Math.max(lastFailure, kill);
    return now() - kill > MIN_WINDOW_MS && now() - quietSince > RECOVERED_AFTER_MS;
  };
  const record = (kind, n, r) => {
    appendFileSync(out, JSON.stringify({ t0: r.t0, t1: r.t1, kind, n, status: r.status }) + '\n');
    if (!ok(r.status)) lastFailure = r.t1;
  };
  const loop = async () => {
    while (!done()) {
      const n = nextN++;
      const r = await request('POST', '/api/tasks', { n });
      record('post', n, r);
      if (ok(r.status)) acked.push(n);
      if (acked.length > 0) {
        const m = acked[Math.floor(Math.random() * acked.length)];
        record('get', m, await request('GET', `/api/tasks/${m}`));
      }
      await sleep(LOAD_PAUSE_MS);
    }
  };
  await Promise.all(Array.from({ length: LOAD_LOOPS }, loop));
}

function readRecords(out) {
  return readFileSync(out, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

// requests, failed, acked; with KILL_FILE also recovered_s: from the kill to
// the first success that started after the last failure started.
function summary(out, killFile) {
  const records = readRecords(out);
  const failed = records.filter((r) => !ok(r.status));
  const acked = new Set(records.filter((r) => r.kind === 'post' && ok(r.status)).map((r) => r.n));
  const lines = [`requests=${records.length}`, `failed=${failed.length}`, `acked=${acked.size}`];
  const kill = killTime(killFile);
  if (kill !== null) {
    const after = records.filter((r) => r.t0 >= kill || r.t1 >= kill);
    const lastFailedStart = Math.max(kill, ...after.filter((r) => !ok(r.status)).map((r) => r.t0));
    const firstGood = after.filter((r) => ok(r.status) && r.t0 >= lastFailedStart)
      .reduce((best, r) => (best === null || r.t1 < best.t1 ? r : best), null);
    const recovered = firstGood === null ? -1 : (firstGood.t1 - kill) / 1000;
    lines.push(`recovered_s=${recovered.toFixed(1)}`);
    lines.push(`acked_before_kill=${records.filter((r) => r.kind === 'post' && ok(r.status) && r.t1 < kill).length}`);
    lines.push(`failed_after_kill=${failed.filter((r) => r.t1 >= kill).length}`);
  }
  const statuses = {};
  for (const r of failed) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  lines.push(`failed_by_status=${Object.entries(statuses).map(([s, c]) => `${s}:${c}`).join(',') || 'none'}`);
  console.log(lines.join('\n'));
}

// Every acknowledged task must exist (else: lost) and reach done in time.
async function verify(out, seconds) {
  const records = readRecords(out);
  const acked = [...new Set(records.filter((r) => r.kind === 'post' && ok(r.status)).map((r) => r.n))];
  const lostOnRead = new Set(records.filter((r) => r.kind === 'get' && r.status === 404).map((r) => r.n));
  const until = now() + seconds * 1000;
  const pending = new Set(acked);
  const lost = new Set(lostOnRead);
  const broken = new Map();
  while (pending.size > 0 && now() < until) {
    for (const n of [...pending]) {
      const r = await request('GET', `/api/tasks/${n}`);
      if (r.status === 404) { lost.add(n); pending.delete(n); continue; }
      if (r.status !== 200) continue;
      if (r.json.status === 'done') pending.delete(n);
      else if (r.json.status === 'error') { broken.set(n, r.json.error); pending.delete(n); }
    }
    if (pending.size > 0) await sleep(200);
  }
  console.log(`acked=${acked.length}\nlost=${lost.size}\nunfinished=${pending.size}\nerrors=${broken.size}`);
  for (const n of lost) console.error(`lost: task ${n} was acknowledged but is gone`);
  for (const n of [...pending].slice(0, 10)) console.error(`unfinished: task ${n}`);
  for (const [n, e] of [...broken].slice(0, 10)) console.error(`error: task ${n}: ${e}`);
}

// One line per WebSocket message: {t, type, n, version, status}.
async function events(out) {
  writeFileSync(out, '');
  const started = now();
  let ws = null;
  const open = () => {
    ws = new WebSocket(BASE.replace(/^http/, 'ws') + '/ws');
    ws.onmessage = (m) => {
      let msg = {};
      try { msg = JSON.parse(m.data); } catch { /* not JSON: recorded as such */ }
      appendFileSync(out, JSON.stringify({
        t: now(), type: msg.type ?? 'unparsed', n: msg.task?.n ?? null,
        version: msg.task?.version ?? null, status: msg.task?.status ?? null,
      }) + '\n');
    };
    // Reconnect like the page does: the relay or nginx may be cut off a while.
    ws.onclose = () => { ws = null; };
    ws.onerror = () => {};
  };
  while (!existsSync(out + '.stop') && now() - started < 2 * LOAD_MAX_MS) {
    if (ws === null) open();
    await sleep(200);
  }
  ws?.close();
}

const [command, ...args] = process.argv.slice(2);
const commands = {
  post: () => post(Number(args[0])),
  task: () => task(Number(args[0])),
  wait: () => wait(Number(args[0]), args[1], Number(args[2])),
  load: () => load(args[0], Number(args[1]), args[2]),
  events: () => events(args[0]),
  summary: () => summary(args[0], args[1]),
  verify: () => verify(args[0], Number(args[1])),
};
if (!commands[command]) {
  console.error('usage: node client.mjs post|task|wait|load|events|summary|verify ...');
  process.exit(2);
}
await commands[command]();
