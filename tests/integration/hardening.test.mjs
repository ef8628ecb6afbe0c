// Issue 9's hardening on the real stack: a full Redis (maxmemory), client
// addresses behind a trusted proxy, and the Redis password kept secret.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, Stack, freePort, waitFor } from './stack.mjs';

function memoryInfo(stack) {
  const info = stack.redisRaw('INFO', 'memory');
  const field = (name) => Number(info.match(new RegExp(`^${name}:(\\d+)`, 'm'))[1]);
  return { used: field('used_memory'), max: field('maxmemory'), policy: info.match(/^maxmemory_policy:(\S+)/m)[1] };
}

test('a full Redis: POST answers 507 with JSON, reads work, accepted work completes', async () => {
  const stack = await Stack.start({ PI_REDIS_MAXMEMORY: '48mb', PI_WORKERS: '1' });
  try {
    const before = memoryInfo(stack);
    assert.equal(before.max, 48 << 20);
    assert.equal(before.policy, 'noeviction');
    // Accepted before Redis fills: one running (its 8 MB of digits are staged
    // and stored while Redis is full), one queued behind it, one to cancel.
    const running = 8000000;
    assert.equal((await stack.submit(running)).status, 201);
    await waitFor(async () => (await stack.task(running))?.status === 'running', 20000, 'running');
    assert.equal((await stack.submit(4321)).status, 201);
    assert.equal((await stack.submit(4322)).status, 201);

    // Fill it: SETRANGE makes a string that long from a command a few bytes
    // long (a SET of that size would be refused: its query buffer counts).
    const size = before.max - memoryInfo(stack).used + (1 << 20);
    stack.redisRaw('SETRANGE', 'test:filler', String(size), 'x');
    assert.match(stack.redisRaw('SET', 'test:probe', '1'), /OOM/, 'Redis is full');

    const refused = await stack.submit(777);
    assert.equal(refused.status, 507, refused.text);
    assert.match(refused.json.error, /full/);
    assert.equal(await stack.task(777), null);
    for (const path of ['/healthz', '/api/tasks', `/api/tasks/${running}`, '/']) {
      const res = await fetch(`${stack.url}${path}`);
      assert.equal(res.status, 200, `GET ${path} while Redis is full`);
    }
    // The operator's cancel (and the owner's) still works.
    assert.match(stack.redisRaw('FCALL', 'pi_cancel', '0', '4322', '', '1'), /cancelled/);

    const done = await stack.waitDone(running, 180000);
    assert.equal(done.attempts, 1, 'no attempt lost to the full Redis');
    assert.equal((await stack.task(4322)).status, 'cancelled');
    const text = await fetch(`${stack.url}/pi/${running}.txt`, { headers: { Range: 'bytes=-5' } });
    assert.equal(text.status, 206);
    assert.equal((await text.text()).at(-1), String(done.digit));
    assert.match(stack.log, /Redis is full, no new task until it has room/);
    assert.doesNotMatch(stack.log, /heartbeat failed|requeued/, 'workers stayed alive and kept their task');
    // Queued tasks wait for room rather than grow Redis further.
    assert.equal((await stack.task(4321)).status, 'queued');

    stack.redisRaw('DEL', 'test:filler');
    assert.equal((await stack.waitDone(4321, 30000)).source, 'cached');
    assert.equal((await stack.submit(777)).status, 201, 'room again: tasks are accepted');
  } finally {
    await stack.stop();
  }
});

// Client A fills its quota of active tasks; does client B still get in?
async function clientsSeen(stack) {
  const post = (n, forwardedFor) => stack.post(JSON.stringify({ n }),
    { 'Content-Type': 'application/json', 'X-Forwarded-For': forwardedFor });
  // Large enough to stay queued or running while the test looks.
  assert.equal((await post(30000001, '203.0.113.1')).status, 201);
  assert.equal((await post(30000002, '203.0.113.1')).status, 201);
  const third = await post(30000003, '203.0.113.1');
  assert.equal(third.status, 429, third.text);
  assert.match(third.json.error, /2/, 'the error names the limit');
  return (await post(30000004, '198.51.100.7')).status === 201 ? 2 : 1;
}

test('PI_TRUSTED_PROXIES: X-Forwarded-For names the client only behind a trusted proxy', async () => {
  const limits = { PI_WORKERS: '1', PI_MAX_QUEUED_PER_CLIENT: '2' };
  let stack = await Stack.start({ ...limits, PI_TRUSTED_PROXIES: '127.0.0.1' });
  try {
    assert.equal(await clientsSeen(stack), 2, 'two forwarded addresses are two clients');
  } finally {
    await stack.stop();
  }
  stack = await Stack.start(limits);
  try {
    assert.equal(await clientsSeen(stack), 1, 'without trusted proxies, X-Forwarded-For is ignored');
  } finally {
    await stack.stop();
  }
});

// Runs a program for `ms` and returns what it printed (it retries Redis meanwhile).
function outputOf(program, args, env, ms) {
  const result = spawnSync(path.join(ROOT, 'build/bin', program), args,
    { env: { ...process.env, ...env }, encoding: 'utf8', timeout: ms, killSignal: 'SIGKILL' });
  return `${result.stdout}${result.stderr}`;
}

test('the Redis password appears in no log, error message or process argument', async () => {
  const secret = 'Sup3r-secret-pw';
  const stack = await Stack.start({ PI_REDIS_PASSWORD: secret });
  try {
    assert.equal((await stack.submit(314)).status, 201);
    await stack.waitDone(314, 30000);
    const mode = fs.statSync(path.join(stack.dataDir, 'run/redis.conf')).mode & 0o777;
    assert.equal(mode, 0o600, 'redis.conf (it holds the password) is readable by its owner only');
    for (const pid of stack.descendants()) {
      let args = '';
      try { args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { continue; }
      assert.ok(!args.includes(secret), `pid ${pid} shows the password in its arguments: ${args}`);
    }
    // Every program, given a URL with a wrong or misplaced password, or a bad URL.
    const wrong = `redis://:${secret}-wrong@127.0.0.1:${stack.redisPort}`;
    const urls = [wrong, `redis://${secret}@127.0.0.1:${stack.redisPort}`,
      `redis://user:${secret}@127.0.0.1:99999`, `http://:${secret}@127.0.0.1:1`];
    const seen = [];
    for (const url of urls) {
      const env = { PI_REDIS_URL: url, PI_REDIS_PASSWORD: '' };
      seen.push(outputOf('pi-worker', ['--procs', '1'], env, 2500));
      seen.push(outputOf('pi-relay', ['--listen', `127.0.0.1:${await freePort()}`], env, 2500));
    }
    const all = seen.join('\n') + stack.log;
    assert.match(all, /PI_REDIS_URL has a bad port in 'redis:\/\/\*\*\*@127\.0\.0\.1:99999'/);
    assert.match(all, /WRONGPASS|invalid password|AUTH/i, 'the wrong password was noticed');
    assert.ok(!all.includes(secret), `the password leaked:\n${all}`);
  } finally {
    await stack.stop();
  }
});

test('PI_REDIS_APPENDFSYNC: always by default, everysec on request, anything else refused in one line', () => {
  const dir = fs.mkdtempSync('/tmp/pidigits-render-');
  try {
    const render = (value) => {
      const env = { ...process.env, PI_DATA_DIR: dir };
      delete env.PI_REDIS_APPENDFSYNC;
      if (value !== undefined) env.PI_REDIS_APPENDFSYNC = value;
      const out = path.join(dir, 'redis.conf');
      fs.rmSync(out, { force: true });
      const run = spawnSync(path.join(ROOT, 'deploy/render'), ['redis', out], { env, encoding: 'utf8' });
      return { run, conf: fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '' };
    };
    assert.match(render().conf, /^appendfsync always$/m);
    assert.match(render('everysec').conf, /^appendfsync everysec$/m);
    const bad = render('sometimes');
    assert.equal(bad.run.status, 2);
    assert.equal(bad.conf, '');
    assert.equal(bad.run.stderr.trim().split('\n').length, 1);
    assert.match(bad.run.stderr, /PI_REDIS_APPENDFSYNC must be always or everysec, got 'sometimes'/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
