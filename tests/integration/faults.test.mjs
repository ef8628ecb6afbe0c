// Nothing lost, nothing hangs: real processes killed with SIGKILL and SIGTERM,
// Redis killed under load, races and overload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { ROOT, Stack, alive, sleep, waitFor } from './stack.mjs';

test('a worker killed with SIGKILL mid-task loses nothing; the task completes elsewhere', async () => {
  const stack = await Stack.start();
  try {
    const n = 3000000;
    const running = await stack.runningTask(n);
    // The worker id is host:pid:token of the pre-forked child computing it.
    const workerPid = Number(running.worker.split(':').at(-2));
    assert.ok(alive(workerPid), `worker ${running.worker} is alive`);
    process.kill(workerPid, 'SIGKILL');
    const done = await stack.waitDone(n, 120000);
    assert.notEqual(done.worker, running.worker);
    assert.equal(done.attempts, 2);
    assert.match(stack.log, /requeued/);
  } finally {
    await stack.stop();
  }
});

test('killed processes come back within 2 s: worker and fcgi children, relay, masters', async (t) => {
  const stack = await Stack.start();
  try {
    for (const master of ['pi-worker', 'pi-fcgi']) {
      const children = stack.children(stack.pid(master));
      assert.equal(children.length, 2, `${master} has 2 children`);
      for (const child of children) {
        process.kill(child, 'SIGKILL');
        const killed = Date.now();
        await waitFor(() => {
          const now = stack.children(stack.pid(master));
          return now.length === 2 && !now.includes(child);
        }, 2000, `${master} child replaced`);
        t.diagnostic(`${master} child replaced in ${Date.now() - killed} ms`);
      }
    }
    for (const name of ['pi-relay', 'pi-fcgi', 'pi-worker']) {
      const old = stack.pid(name);
      process.kill(old, 'SIGKILL');
      const killed = Date.now();
      await waitFor(() => stack.pid(name) && stack.pid(name) !== old && alive(stack.pid(name)), 2000,
        `${name} restarted`);
      t.diagnostic(`${name} restarted in ${Date.now() - killed} ms`);
    }
    // And the service still works end to end after all that.
    await waitFor(async () => (await stack.submit(2000)).status < 300, 5000, 'submit after restarts');
    await stack.waitDone(2000, 30000);
    const { ws, messages } = await stack.socket();
    await stack.submit(2001);
    await waitFor(() => messages.some((m) => m.task?.n === 2001), 5000, 'event after relay restart');
    ws.close();
  } finally {
    await stack.stop();
  }
});

test('Redis killed: 503 with JSON meanwhile, restarted on the same data, acknowledged tasks kept', async () => {
  const stack = await Stack.start({ PI_WORKERS: '1' });
  try {
    // A long task keeps the only worker busy so the next ones stay queued.
    await stack.runningTask(5000000);
    const ack = await stack.submit(12345);
    assert.equal(ack.status, 201);
    // Hold deploy/start's restart of Redis (stop its supervisor) to see the
    // service while Redis is down, then let it restart Redis on the same data.
    const redisPid = stack.pid('redis');
    const supervisor = Number(execFileSync('ps', ['-o', 'ppid=', '-p', String(redisPid)],
      { encoding: 'utf8' }).trim());
    process.kill(supervisor, 'SIGSTOP');
    try {
      process.kill(redisPid, 'SIGKILL');
      // (A zombie until its stopped parent reaps it: wait for the effect instead.)
      await waitFor(async () => (await fetch(`${stack.url}/healthz`)).status === 503, 3000,
        'healthz to notice');
      for (const [method, path, body] of [['GET', '/healthz'], ['GET', '/api/tasks/12345'],
        ['GET', '/api/tasks'], ['POST', '/api/tasks', '{"n": 424242}']]) {
        const started = Date.now();
        const res = await fetch(`${stack.url}${path}`, {
          method, body, headers: { 'Content-Type': 'application/json' },
        });
        assert.equal(res.status, 503, `${method} ${path} while Redis is down`);
        assert.ok((await res.json()).error, `${method} ${path}: JSON error`);
        assert.ok(Date.now() - started < 3000, `${method} ${path} answered without hanging`);
      }
      const page = await fetch(`${stack.url}/`);
      assert.equal(page.status, 503);
    } finally {
      process.kill(supervisor, 'SIGCONT');
    }
    // Restarted by deploy/start on the same AOF: the acknowledged task is there.
    await waitFor(async () => (await fetch(`${stack.url}/healthz`)).status === 200, 10000, 'Redis back');
    const kept = await waitFor(async () => {
      const res = await fetch(`${stack.url}/api/tasks/12345`);
      return res.status === 200 || res.status === 404 ? res.status : null;
    }, 10000, 'the task to be readable again');
    assert.equal(kept, 200, 'task acknowledged with 201 survived kill -9 of Redis');
    // Every FastCGI thread reconnects: a thread backs off at most 2 s between
    // attempts, so within a few seconds 20 requests in a row all succeed.
    await waitFor(async () => {
      for (let i = 0; i < 20; i++) {
        if ((await fetch(`${stack.url}/api/tasks/12345`)).status !== 200) return false;
      }
      return true;
    }, 5000, 'every FastCGI thread back on Redis');
    await stack.waitDone(12345, 120000);
    await stack.waitDone(5000000, 180000);
  } finally {
    await stack.stop();
  }
});

test('40 simultaneous POSTs of one n make one task and one computation', async () => {
  const stack = await Stack.start();
  try {
    const results = await Promise.all(Array.from({ length: 40 }, () => stack.submit(99991)));
    const statuses = results.map((r) => r.status).sort();
    assert.equal(statuses.filter((s) => s === 201).length, 1, `statuses: ${statuses}`);
    assert.equal(statuses.filter((s) => s === 200).length, 39, `statuses: ${statuses}`);
    const done = await stack.waitDone(99991);
    assert.equal(done.attempts, 1, 'computed once');
  } finally {
    await stack.stop();
  }
});

test('a full queue answers 429; a task too big for a worker is refused with 422', async () => {
  const stack = await Stack.start({ PI_WORKERS: '1', PI_MAX_QUEUE: '2', PI_WORKER_MEMORY_MB: '64' });
  try {
    await stack.runningTask(2000000);
    assert.equal((await stack.submit(11)).status, 201);
    assert.equal((await stack.submit(12)).status, 201);
    const full = await stack.submit(13);
    assert.equal(full.status, 429, full.text);
    assert.match(full.json.error, /queue/);
    assert.equal(await stack.task(13), null, 'nothing written for the refused task');
    const huge = await stack.submit(90000000);
    assert.equal(huge.status, 422, huge.text);
    assert.match(huge.json.error, /memory/);
  } finally {
    await stack.stop();
  }
});

test('SIGTERM with a 30,000,000-digit task running stops all within 5 s; the next start resumes it', async (t) => {
  const first = await Stack.start({ PI_WORKERS: '1' });
  const dataDir = first.dataDir;
  let processes;
  try {
    await first.runningTask(30000000);
    await sleep(1000);
    processes = first.descendants();
    assert.ok(processes.length >= 7, `processes: ${processes}`);
  } finally {
    const took = await first.stop();
    t.diagnostic(`stop with a 30M-digit task running took ${took} ms`);
    assert.ok(took < 5000, `stop took ${took} ms`);
  }
  await sleep(200);
  const left = processes.filter(alive);
  assert.deepEqual(left, [], 'no process left behind');
  const second = await Stack.start({ PI_WORKERS: '1', PI_DATA_DIR: dataDir });
  try {
    const resumed = await waitFor(async () => {
      const t = await second.task(30000000);
      return t?.status === 'running' ? t : null;
    }, 20000, 'the interrupted task resumed after restart');
    assert.equal(resumed.attempts, 1, 'a requested stop is not a failed attempt');
  } finally {
    const took = await second.stop();
    t.diagnostic(`second stop took ${took} ms`);
    assert.ok(took < 5000, `second stop took ${took} ms`);
  }
});

test('starting twice on the same ports fails with a clear message', async () => {
  const stack = await Stack.start();
  try {
    const second = spawnSync('deploy/start', [], {
      cwd: ROOT,
      env: { ...stack.env, PI_DATA_DIR: `${stack.dataDir}-other` },
      encoding: 'utf8',
      timeout: 15000,
    });
    assert.notEqual(second.status, 0);
    assert.match(second.stderr, /already in use/);
  } finally {
    await stack.stop();
  }
});

test('with PI_REDIS_PASSWORD, Redis refuses clients without it and every process uses it', async () => {
  const stack = await Stack.start({ PI_REDIS_PASSWORD: 'correct "horse" \\ &battery' });
  try {
    assert.match(stack.redisRaw('PING'), /NOAUTH/);
    assert.equal((await stack.submit(271)).status, 201);
    await stack.waitDone(271, 30000);
    const { ws, messages } = await stack.socket();
    await stack.submit(272);
    await waitFor(() => messages.some((m) => m.task?.n === 272), 5000, 'event through the relay');
    ws.close();
  } finally {
    await stack.stop();
  }
});
