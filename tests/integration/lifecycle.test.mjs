// The task life cycle on the real stack: cancel, retry and delete with their
// rules, filters and counts, fair queueing between client addresses, and a
// process killed between any two steps of a task (PI_FAULT) leaves nothing stuck.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { Stack, waitFor, sleep } from './stack.mjs';

const ADMIN = 'test-operator-token';
let stack;
before(async () => {
  stack = await Stack.start({ PI_ADMIN_TOKEN: ADMIN, PI_WORKERS: '1' });
});
after(async () => { await stack?.stop(); });

const json = { 'Content-Type': 'application/json' };
const admin = { Authorization: `Bearer ${ADMIN}` };

async function call(method, path, headers = {}) {
  const res = await fetch(`${stack.url}${path}`, { method, headers });
  const text = await res.text();
  let body = null;
  try { body = JSON.parse(text); } catch { /* 204 */ }
  return { status: res.status, body, headers: res.headers, text };
}

// POST /api/tasks from a given local address (nginx sees it as the client).
function postFrom(localAddress, n, cookie = '') {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ n });
    const url = new URL(`${stack.url}/api/tasks`);
    const req = http.request({
      host: url.hostname, port: url.port, path: url.pathname, method: 'POST', localAddress,
      headers: { 'Content-Type': 'application/json', 'Content-Length': body.length, ...(cookie ? { Cookie: cookie } : {}) },
    }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, json: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('the creator cancels its own queued task; others get 403; done tasks 409', async () => {
  // A long task keeps the single worker busy, so the next one stays queued.
  const blocker = await postFrom('127.0.0.1', 20_000_000);
  assert.equal(blocker.status, 201);
  const cookie = blocker.headers['set-cookie'][0].split(';')[0];
  assert.match(blocker.headers['set-cookie'][0], /HttpOnly/);
  assert.match(blocker.headers['set-cookie'][0], /SameSite=Lax/);
  const queued = await postFrom('127.0.0.1', 19_000_000, cookie);
  assert.equal(queued.status, 201);
  assert.equal(queued.headers['set-cookie'], undefined, 'a browser keeps its one owner cookie');

  const stranger = await call('POST', '/api/tasks/19000000/cancel');
  assert.equal(stranger.status, 403);
  assert.match(stranger.body.error, /created/);
  const mine = await call('POST', '/api/tasks/19000000/cancel', { Cookie: cookie });
  assert.equal(mine.status, 200, mine.text);
  assert.equal(mine.body.status, 'cancelled');
  assert.ok(mine.body.stages.cancelled);
  assert.equal(stack.redisRaw('LPOS', 'pi:queue', '19000000'), '');
  const again = await call('POST', '/api/tasks/19000000/cancel', { Cookie: cookie });
  assert.equal(again.status, 409);

  // A running task: its computation stops within 2 s and the worker is free.
  await waitFor(async () => (await stack.task(20_000_000))?.status === 'running', 20000, 'blocker running');
  const started = Date.now();
  const running = await call('POST', '/api/tasks/20000000/cancel', admin);
  assert.equal(running.status, 200, running.text);
  const next = await stack.submit(3000);
  assert.equal(next.status, 201);
  await stack.waitDone(3000, 20000);
  assert.ok(Date.now() - started < 5000, `the worker took the next task after ${Date.now() - started} ms`);
  assert.equal((await stack.task(20_000_000)).status, 'cancelled');
  assert.equal(stack.redisRaw('LLEN', `pi:processing:${(await stack.task(3000)).worker}`), '0');
  assert.equal((await call('POST', '/api/tasks/3000/cancel', admin)).status, 409);
  assert.equal((await call('POST', '/api/tasks/77777/cancel', admin)).status, 404);
});

test('retry requeues a cancelled task with attempts reset; only error and cancelled', async () => {
  const retried = await call('POST', '/api/tasks/19000000/retry');
  assert.equal(retried.status, 200, retried.text);
  assert.equal(retried.body.status, 'queued');
  assert.equal(retried.body.attempts, 0);
  assert.equal((await call('POST', '/api/tasks/19000000/retry')).status, 409);
  assert.equal((await call('POST', '/api/tasks/19000000/cancel', admin)).status, 200);
  assert.equal((await call('POST', '/api/tasks/424242/retry')).status, 404);
});

test('delete needs the operator token; a deleted n is created anew', async () => {
  await stack.submit(777);
  await stack.waitDone(777);
  assert.equal((await call('DELETE', '/api/tasks/777')).status, 403);
  assert.equal((await call('DELETE', '/api/tasks/777', { Authorization: 'Bearer wrong' })).status, 403);
  const { ws, messages } = await stack.socket();
  const del = await call('DELETE', '/api/tasks/777', admin);
  assert.equal(del.status, 204);
  assert.equal((await call('GET', '/api/tasks/777')).status, 404);
  await waitFor(() => messages.some((m) => m.type === 'deleted' && m.n === 777), 3000, 'deleted event');
  ws.close();
  const list = await call('GET', '/api/tasks?limit=500');
  assert.ok(!list.body.tasks.some((t) => t.n === 777));
  assert.equal((await stack.submit(777)).status, 201);
  assert.equal((await call('DELETE', '/api/tasks/888888', admin)).status, 404);
});

test('a done task deleted from another host is gone from every pi-fcgi process at once', async () => {
  await stack.submit(778);
  await stack.waitDone(778);
  // Read many times: both pi-fcgi processes answer it from their caches now.
  for (let i = 0; i < 40; ++i) assert.equal((await call('GET', '/api/tasks/778')).status, 200);
  // Another host's pi-fcgi (or an operator's redis-cli): nothing of this host
  // hears of it but the pi:events:deleted message.
  assert.match(stack.redisRaw('FCALL', 'pi_delete', '0', '778'), /deleted/);
  const started = Date.now();
  await waitFor(async () => (await call('GET', '/api/tasks/778')).status === 404, 3000, '404');
  // Entries are read again after 1 s anyway: well before that, the message did it.
  assert.ok(Date.now() - started < 500, `404 after ${Date.now() - started} ms`);
  for (let i = 0; i < 20; ++i) assert.equal((await call('GET', '/api/tasks/778')).status, 404);
  assert.equal((await stack.submit(778)).status, 201);
});

test('lists filter by status and carry counts kept by the life cycle', async () => {
  const all = await call('GET', '/api/tasks');
  const counts = all.body.counts;
  assert.deepEqual(Object.keys(counts).sort(), ['cancelled', 'done', 'error', 'queued', 'running']);
  const done = await call('GET', '/api/tasks?status=done&limit=500');
  assert.equal(done.status, 200);
  assert.ok(done.body.tasks.length > 0);
  assert.ok(done.body.tasks.every((t) => t.status === 'done'));
  assert.equal(done.body.tasks.length, counts.done);
  const cancelled = await call('GET', '/api/tasks?status=cancelled');
  assert.ok(cancelled.body.tasks.every((t) => t.status === 'cancelled'));
  assert.equal((await call('GET', '/api/tasks?status=finished')).status, 400);
  assert.equal((await call('GET', '/api/tasks?limit=5&sort=n')).status, 400);
});

test('tasks from a second client do not wait behind the first client\'s backlog', async () => {
  // One worker; client A queues 5 tasks behind a running one, then B queues one.
  const a = [];
  const blocker = await postFrom('127.0.0.2', 15_000_000);
  assert.equal(blocker.status, 201);
  await waitFor(async () => (await stack.task(15_000_000))?.status === 'running', 20000, 'A running');
  for (const n of [14_000_001, 14_000_002, 14_000_003, 14_000_004, 14_000_005]) {
    a.push(await postFrom('127.0.0.2', n));
  }
  const b = await postFrom('127.0.0.3', 13_000_000);
  assert.equal(b.status, 201);
  assert.equal(b.json.queue_position, 1, 'B is next after the running task');
  assert.equal((await stack.task(14_000_001)).queue_position, 2);
  assert.ok(b.json.eta_ms > 0);
  for (const n of [15_000_000, 14_000_001, 14_000_002, 14_000_003, 14_000_004, 14_000_005, 13_000_000]) {
    await call('POST', `/api/tasks/${n}/cancel`, admin);
  }
});

test('one client may have at most PI_MAX_QUEUED_PER_CLIENT tasks queued or running', async () => {
  const limited = await Stack.start({ PI_MAX_QUEUED_PER_CLIENT: '2', PI_WORKERS: '1', PI_MAX_TASKS_PER_CLIENT_DAY: '4' });
  try {
    const post = (n) => limited.submit(n);
    assert.equal((await post(100)).status, 201);
    await limited.waitDone(100);
    assert.equal((await post(9_000_001)).status, 201);
    assert.equal((await post(9_000_002)).status, 201);
    const third = await post(9_000_003);
    assert.equal(third.status, 429);
    assert.match(third.json.error, /2 tasks queued or running/);
    assert.match(third.json.error, /PI_MAX_QUEUED_PER_CLIENT/);
    // Answered from stored digits: no queue place, but one of the day's tasks.
    assert.equal((await post(1)).status, 201);
    const day = await post(2);
    assert.equal(day.status, 429);
    assert.match(day.json.error, /PI_MAX_TASKS_PER_CLIENT_DAY/);
    assert.ok(Number(day.headers.get('retry-after')) > 0);
  } finally {
    await limited.stop();
  }
});

// A process killed between two steps of a task's life: the task still ends
// done, and every event a client saw was a state Redis held (versions without
// gaps, one per event).
for (const point of ['after-take', 'after-computed', 'after-calculated', 'before-store', 'after-store', 'after-register']) {
  test(`killed at ${point}: the task still completes`, async () => {
    const faulty = await Stack.start({ PI_FAULT: point, PI_WORKERS: '1' });
    try {
      const { ws, messages } = await faulty.socket();
      const n = 200_000;
      const res = await faulty.post(JSON.stringify({ n })).catch((e) => ({ status: 0, text: String(e) }));
      // nginx answers its JSON 503 page for a FastCGI child that died before answering.
      if (point === 'after-register') assert.ok([502, 503].includes(res.status), `status ${res.status}`);
      else assert.equal(res.status, 201, res.text);
      const done = await faulty.waitDone(n, 60000);
      assert.ok(done.digit >= 0);
      if (point !== 'after-register' && point !== 'after-store') assert.equal(done.attempts, 2);
      await sleep(200);
      ws.close();
      const versions = messages.filter((m) => m.type === 'task' && m.task.n === n).map((m) => m.task.version);
      for (let i = 1; i < versions.length; i++) assert.equal(versions[i], versions[i - 1] + 1, `versions ${versions}`);
      assert.equal(faulty.redisRaw('LLEN', 'pi:queue'), '0');
      assert.equal(faulty.redisRaw('KEYS', 'pi:staging:*'), '');
    } finally {
      await faulty.stop();
    }
  });
}
