// What every answer carries whatever the data: a Content-Security-Policy
// without 'unsafe-inline' on every page, and task links that can only be /pi/N.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Stack, waitFor } from './stack.mjs';

let stack;
before(async () => { stack = await Stack.start(); });
after(async () => { await stack?.stop(); });

test('every page carries a CSP without unsafe-inline; JSON answers need none', async () => {
  await stack.submit(70);
  await stack.waitDone(70);
  for (const [path, status] of [['/', 200], ['/?before=2', 200], ['/pi/70', 200],
    ['/pi/71', 404], ['/pi/abc', 400], ['/nowhere', 404], ['/?limit=0', 400]]) {
    const res = await fetch(`${stack.url}${path}`);
    assert.equal(res.status, status, path);
    assert.match(res.headers.get('content-type'), /^text\/html/, path);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'self'/, `CSP on ${path}`);
    assert.match(csp, /script-src 'self'/, path);
    assert.match(csp, /style-src 'self'/, path);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, path);
    const html = await res.text();
    assert.doesNotMatch(html, /\sstyle="/, `no inline style attribute in ${path}`);
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)(?![^>]*type="text\/x-mustache")[^>]*>/,
      `no inline script in ${path}`);
  }
  const api = await fetch(`${stack.url}/api/tasks/70`);
  assert.equal(api.headers.get('content-security-policy'), null);
});

test('the task url is /pi/N in the API and in events, and no display strings travel', async () => {
  const { ws, messages } = await stack.socket();
  try {
    const created = await stack.submit(72);
    assert.equal(created.json.url, '/pi/72');
    await stack.waitDone(72);
    await waitFor(() => messages.some((m) => m.task?.n === 72 && m.task.status === 'done'), 5000,
      'done event');
  } finally {
    ws.close();
  }
  const list = await (await fetch(`${stack.url}/api/tasks?limit=500`)).json();
  const tasks = [...list.tasks, ...messages.filter((m) => m.type === 'task').map((m) => m.task)];
  assert.ok(tasks.length > 0);
  for (const task of tasks) {
    assert.equal(task.url, `/pi/${task.n}`);
    assert.ok(Number.isSafeInteger(task.n) && task.n >= 1);
    for (const display of ['n_text', 'digit_text', 'progress_pct', 'created', 'took', 'queued',
      'running', 'done', 'failed', 'cached']) {
      assert.ok(!(display in task), `${display} in task ${task.n}: display strings are the views'`);
    }
  }
});
