// The HTTP API, pages and events of the real stack, driven like a client would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { Stack, vectors, waitFor } from './stack.mjs';

let stack;
before(async () => { stack = await Stack.start({ PI_MAX_DIGITS: '20000000' }); });
after(async () => { await stack?.stop(); });

// 'registered' is in each task's stages (its time), but no state Redis held:
// registration queues the task in the same step, so its first event is 'scheduled'.
const STAGES = ['scheduled', 'taken', 'calculated', 'stored'];

test('a new n is created (201), then found again (200) without a second computation', async () => {
  const first = await stack.submit(764);
  assert.equal(first.status, 201, first.text);
  assert.equal(first.headers.get('location'), '/api/tasks/764');
  assert.equal(first.json.n, 764);
  assert.equal(first.json.url, '/pi/764');
  assert.ok(['queued', 'running', 'done'].includes(first.json.status));
  const again = await stack.submit(764);
  assert.equal(again.status, 200);
  assert.equal(again.json.id, first.json.id);
  const done = await stack.waitDone(764);
  assert.equal(done.digit, Number(vectors().decimals[1].digits[764 - 762]));
  assert.equal(done.attempts, 1);
  assert.equal(Number(stack.redisRaw('LLEN', 'pi:queue')), 0);
});

test('form posts work too, and a browser without JS is sent back to the page', async () => {
  const form = await stack.post('n=31', { 'Content-Type': 'application/x-www-form-urlencoded' });
  assert.equal(form.status, 201, form.text);
  assert.equal(form.json.n, 31);
  const html = await fetch(`${stack.url}/api/tasks`, {
    method: 'POST', redirect: 'manual', body: 'n=32',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html' },
  });
  assert.equal(html.status, 303);
  assert.equal(html.headers.get('location'), '/#task-32');
});

test('events on /ws carry every stage in order with increasing seq', async () => {
  const { ws, messages } = await stack.socket();
  const n = 4321;
  assert.equal((await stack.submit(n)).status, 201);
  await stack.waitDone(n);
  await waitFor(() => messages.some((m) => m.task?.n === n && m.task.stage === 'stored'), 5000, 'stored event');
  ws.close();
  // Every change is one event, published by the same atomic call that made
  // it: versions grow by exactly one, seq has no gaps.
  const mine = messages.filter((m) => m.type === 'task' && m.task.n === n);
  const versions = mine.map((m) => m.task.version);
  for (let i = 1; i < versions.length; i++) assert.equal(versions[i], versions[i - 1] + 1, `versions ${versions}`);
  const stages = [...new Set(mine.map((m) => m.task.stage))];
  assert.deepEqual(stages, STAGES, `stages seen, by version: ${stages}`);
  const seqs = messages.filter((m) => m.type === 'task').map((m) => m.seq);
  for (let i = 1; i < seqs.length; i++) assert.equal(seqs[i], seqs[i - 1] + 1, `seq gap in ${seqs}`);
  const last = mine.at(-1).task;
  assert.equal(last.status, 'done');
  assert.equal(last.progress, 1);
});

test('/pi/N.txt is exact (sha256 of pi to 10000 and 100000 places)', async () => {
  const { sha256 } = vectors();
  for (const n of [10000, 100000]) {
    await stack.submit(n);
    await stack.waitDone(n);
    const res = await fetch(`${stack.url}/pi/${n}.txt`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/plain/);
    const body = Buffer.from(await res.arrayBuffer());
    assert.equal(body.length, n + 2);
    assert.equal(crypto.createHash('sha256').update(body).digest('hex'), sha256.get(n), `n=${n}`);
  }
});

test('a shorter n is answered from the longest result without computing', async () => {
  await stack.submit(100000);
  await stack.waitDone(100000);
  const longest = Number(stack.redisRaw('HGET', 'pi:digits:info', 'length'));
  assert.ok(longest >= 100002);
  const res = await stack.submit(54321);
  assert.ok([200, 201].includes(res.status));
  const done = await stack.waitDone(54321, 10000);
  assert.equal(done.source, 'cached');
  const txt = await (await fetch(`${stack.url}/pi/54321.txt`)).text();
  assert.equal(done.digit, Number(txt.at(-1)));
  assert.equal(Number(stack.redisRaw('HGET', 'pi:digits:info', 'length')), longest, 'a shorter result never replaces the longest');
});

test('the task list is newest first and pages with before=', async () => {
  for (const n of [41, 42, 43, 44, 45]) await stack.submit(n);
  const page1 = await (await fetch(`${stack.url}/api/tasks?limit=3`)).json();
  assert.equal(page1.tasks.length, 3);
  assert.ok(Number.isInteger(page1.seq));
  const ids = page1.tasks.map((t) => t.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
  assert.deepEqual(page1.tasks.map((t) => t.n), [45, 44, 43]);
  const page2 = await (await fetch(`${stack.url}/api/tasks?limit=3&before=${page1.next_before}`)).json();
  assert.deepEqual(page2.tasks.map((t) => t.n).slice(0, 2), [42, 41]);
  assert.equal((await fetch(`${stack.url}/api/tasks?limit=0`)).status, 400);
  assert.equal((await fetch(`${stack.url}/api/tasks?limit=abc`)).status, 400);
});

test('bad input is refused with 4xx and a JSON message, and nothing is written', async () => {
  // Every key but the request metrics (each pi-fcgi flushes its counts once a
  // second, rejected requests included: counting them is the point).
  const keys = () => stack.redisRaw('KEYS', '*').split('\n')
    .filter((k) => k && !k.startsWith('pi:metrics')).sort().join(' ');
  const keysBefore = keys();
  const queueBefore = stack.redisRaw('LLEN', 'pi:queue');
  const json = { 'Content-Type': 'application/json' };
  const cases = [
    ['{}', json, 400, /n/],
    ['{"n": "abc"}', json, 400, /integer/],
    ['{"n": "5"}', json, 400, /integer/],
    ['{"n": 1.5}', json, 400, /integer/],
    ['{"n": 1e3}', json, 400, /integer/],
    ['{"n": -5}', json, 400, /1/],
    ['{"n": 0}', json, 400, /1/],
    ['{"n": 20000001}', json, 400, /20000000/],
    [`{"n": ${'9'.repeat(5000)}}`, json, 413, /large/],
    [`{"n": ${'9'.repeat(400)}}`, json, 400, /integer/],
    ['{"n": 5', json, 400, /JSON/],
    ['[5]', json, 400, /object|n/],
    ['null', json, 400, /object|n/],
    ['n=abc', { 'Content-Type': 'application/x-www-form-urlencoded' }, 400, /not a whole number/],
    ['n=', { 'Content-Type': 'application/x-www-form-urlencoded' }, 400, /n/],
    ['', json, 400, /n|body|JSON/],
  ];
  for (const [body, headers, status, message] of cases) {
    const res = await stack.post(body, headers);
    assert.equal(res.status, status, `${body.slice(0, 40)} -> ${res.status} ${res.text}`);
    assert.ok(res.json && typeof res.json.error === 'string', `JSON error for ${body.slice(0, 40)}: ${res.text}`);
    assert.match(res.json.error, message, body.slice(0, 40));
  }
  const big = await stack.post(JSON.stringify({ n: 5, pad: 'x'.repeat(10000) }));
  assert.equal(big.status, 413);
  assert.ok(big.json?.error);
  assert.equal(keys(), keysBefore, 'rejected requests wrote nothing');
  assert.equal(stack.redisRaw('LLEN', 'pi:queue'), queueBefore);
});

test('wrong methods, unknown tasks and paths answer 405/404 with JSON', async () => {
  const del = await fetch(`${stack.url}/api/tasks`, { method: 'DELETE' });
  assert.equal(del.status, 405);
  assert.match(del.headers.get('allow') ?? '', /GET/);
  assert.ok((await del.json()).error);
  const put = await fetch(`${stack.url}/api/tasks/5`, { method: 'PUT' });
  assert.equal(put.status, 405);
  const missing = await fetch(`${stack.url}/api/tasks/999999`);
  assert.equal(missing.status, 404);
  assert.ok((await missing.json()).error);
  assert.equal((await fetch(`${stack.url}/api/tasks/abc`)).status, 400);
  assert.equal((await fetch(`${stack.url}/api/nothing`)).status, 404);
  assert.equal((await fetch(`${stack.url}/pi/abc`)).status, 400);
  assert.equal((await fetch(`${stack.url}/pi/0.txt`)).status, 400);
  assert.equal((await fetch(`${stack.url}/pi/19999999.txt`)).status, 404);
});

test('the router: 405 with every method of the path in Allow, 400 for unknown API parameters, 404 for extra segments', async () => {
  await stack.submit(1000);
  for (const [method, path, allow] of [
    ['GET', '/api/tasks/1000/cancel', 'POST'],
    ['DELETE', '/api/tasks/1000/retry', 'POST'],
    ['PUT', '/api/tasks/1000', 'GET, HEAD, DELETE'],
    ['PATCH', '/api/tasks', 'GET, HEAD, POST'],
    ['POST', '/pi/1000', 'GET, HEAD'],
    ['POST', '/metrics', 'GET, HEAD'],
  ]) {
    const res = await fetch(`${stack.url}${path}`, { method });
    assert.equal(res.status, 405, `${method} ${path}`);
    assert.equal(res.headers.get('allow'), allow, `${method} ${path}`);
    assert.match((await res.json()).error, new RegExp(`use ${allow}`));
  }
  const head = await fetch(`${stack.url}/api/tasks/1000/cancel`, { method: 'HEAD' });
  assert.equal(head.status, 405);
  assert.equal(head.headers.get('allow'), 'POST');

  const unknown = await fetch(`${stack.url}/api/tasks?limit=2&sort=n`);
  assert.equal(unknown.status, 400);
  assert.match((await unknown.json()).error, /unknown parameter "sort"/);
  const onTask = await fetch(`${stack.url}/api/tasks/1000?verbose=1`);
  assert.equal(onTask.status, 400);
  assert.match((await onTask.json()).error, /unknown parameter "verbose".*takes no query parameters/);
  const post = await fetch(`${stack.url}/api/tasks?n=5`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"n": 6}',
  });
  assert.equal(post.status, 400);
  assert.equal(stack.redisRaw('EXISTS', 'pi:task:6'), '0');
  // Pages ignore what they do not take.
  assert.equal((await fetch(`${stack.url}/?utm_source=x`)).status, 200);
  assert.equal((await fetch(`${stack.url}/pi/1000?ref=x`)).status, 200);
  assert.equal((await fetch(`${stack.url}/healthz?ts=1`)).status, 200);

  for (const path of ['/api/tasks/1000/cancel/now', '/api/tasks/1000/x', '/pi/1000/2', '/pi/10.txt/x']) {
    const res = await fetch(`${stack.url}${path}`);
    assert.equal(res.status, 404, path);
  }
  const extra = await fetch(`${stack.url}/api/tasks/1000/cancel/now`, { method: 'POST' });
  assert.equal(extra.status, 404);
  assert.ok((await extra.json()).error);
});

test('pages: the index lists tasks, /pi/N marks the N-th digit, values are escaped', async () => {
  await stack.submit(50);
  await stack.waitDone(50);
  const index = await fetch(`${stack.url}/`);
  assert.equal(index.status, 200);
  assert.match(index.headers.get('content-type'), /text\/html/);
  const html = await index.text();
  assert.match(html, /id="task-50"/);
  assert.match(html, /id="row-template"/);
  const page = await (await fetch(`${stack.url}/pi/50`)).text();
  assert.match(page, /1415926535/);
  assert.match(page, /<mark[^>]*>0<\/mark>/, 'the 50th decimal (0) is marked');
  assert.match(page, /\/pi\/50\.txt/);
  const big = await fetch(`${stack.url}/pi/100000`);
  assert.equal(big.status, 200);
  const bigHtml = await big.text();
  assert.ok(bigHtml.length < 400000, `a window, not the whole: ${bigHtml.length} bytes`);
  assert.match(bigHtml, /<mark/);
  // A path with markup is refused, and nothing from it is echoed unescaped: 404 here, since
  // the decoded "</script>" makes a second path segment; 400 for one segment that is no n.
  const evil = await fetch(`${stack.url}/pi/%3Cscript%3Ealert(1)%3C%2Fscript%3E`);
  assert.equal(evil.status, 404);
  assert.doesNotMatch(await evil.text(), /<script>alert/);
  const bold = await fetch(`${stack.url}/pi/%3Cb%3Ealert(1)`);
  assert.equal(bold.status, 400);
  assert.doesNotMatch(await bold.text(), /<b>alert/);
});

test('/healthz answers 200 with Redis up', async () => {
  const res = await fetch(`${stack.url}/healthz`);
  assert.equal(res.status, 200);
  assert.equal((await res.json()).status, 'ok');
});
