// Tasks neither stuck nor wrongly failed when Redis stalls (issue 9): a
// BLMOVE whose reply was lost, an outage longer than the heartbeat TTL, a
// task reassigned under its worker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Stack, sleep, waitFor } from './stack.mjs';

const workerPid = (id) => Number(id.split(':').at(-2));

test('an n in an idle worker\'s list that it never heard of (BLMOVE reply lost) is run', async () => {
  const stack = await Stack.start({ PI_WORKERS: '2' });
  try {
    const [idle] = (await waitFor(() => {
      const ids = stack.redisRaw('SMEMBERS', 'pi:workers').split('\n').filter(Boolean);
      return ids.length === 2 ? ids : null;
    }, 10000, 'two workers registered'));
    // Registered and moved into the worker's list in one transaction, so that
    // no BLMOVE sees it in pi:queue: what a move whose reply was lost leaves.
    const script = ['MULTI', 'FCALL pi_register 0 5151 owner 127.0.0.1 1 100 0 0 100',
      `LMOVE pi:queue pi:processing:${idle} RIGHT LEFT`, 'EXEC'].join('\n') + '\n';
    const out = execFileSync('redis-cli', ['-p', String(stack.redisPort)], { input: script, encoding: 'utf8' });
    assert.match(out.trim().split('\n').at(-1), /^5151$/, `LMOVE moved it:\n${out}`);
    const done = await stack.waitDone(5151, 15000);
    assert.equal(done.attempts, 1);
    assert.match(stack.log, new RegExp(`requeued task 5151 of dead worker ${idle}`));
    assert.equal(stack.redisRaw('LLEN', `pi:processing:${idle}`), '0');
  } finally {
    await stack.stop();
  }
});

test('Redis stalled 12 s (past the 10 s heartbeat TTL): running tasks keep their worker and attempt', async (t) => {
  const stack = await Stack.start({ PI_WORKERS: '2' });
  const redisPid = stack.pid('redis');
  try {
    const tasks = [await stack.runningTask(12000000), await stack.runningTask(12000001)];
    assert.notEqual(tasks[0].worker, tasks[1].worker);
    process.kill(redisPid, 'SIGSTOP');
    try {
      await sleep(12000);
    } finally {
      process.kill(redisPid, 'SIGCONT');
    }
    const resumed = Date.now();
    for (const task of tasks) {
      const done = await stack.waitDone(task.n, 180000);
      assert.equal(done.attempts, 1, `task ${task.n}: the stall cost no attempt`);
      assert.equal(done.worker, task.worker, `task ${task.n} stayed with its worker`);
    }
    t.diagnostic(`both done ${Date.now() - resumed} ms after Redis resumed`);
    assert.doesNotMatch(stack.log, /requeued/, 'nobody alive was reaped');
    assert.match(stack.log, /heartbeat restored/);
    // Nothing left anywhere: no queue entry, no processing list, no staging.
    assert.equal(stack.redisRaw('LLEN', 'pi:queue'), '0');
    assert.equal(stack.redisRaw('KEYS', 'pi:processing:*'), '');
  } finally {
    try { process.kill(redisPid, 'SIGCONT'); } catch { /* gone */ }
    await stack.stop();
  }
});

test('a worker whose task was given to another stops computing it within 2 s', async () => {
  const stack = await Stack.start({ PI_WORKERS: '1' });
  try {
    const task = await stack.runningTask(30000000);
    const pid = workerPid(task.worker);
    await waitFor(() => stack.children(pid).length === 1, 5000, 'its compute child');
    // What the reaper does when it takes a worker for dead: the task is another's.
    stack.redisRaw('HSET', 'pi:task:30000000', 'worker', 'elsewhere:1:0');
    const reassigned = Date.now();
    await waitFor(() => stack.children(pid).length === 0, 2000, 'the computation to stop');
    assert.ok(Date.now() - reassigned <= 2000);
    await waitFor(() => /task 30000000 is no longer this worker's/.test(stack.log), 2000, 'its log line');
  } finally {
    await stack.stop();
  }
});
