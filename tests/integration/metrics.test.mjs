// GET /metrics on the real stack: the figures after real tasks, requests and
// WebSocket clients, checked by value and by `promtool check metrics`; served
// to loopback, refused (403) to another address.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { Stack, waitFor } from './stack.mjs';

const ADMIN = 'metrics-test-token';
let stack;
// Listening on every address, so that a request can come from a non-loopback one too.
before(async () => {
  stack = await Stack.start({ PI_HTTP_BIND: '0.0.0.0', PI_ADMIN_TOKEN: ADMIN, PI_MAX_DIGITS: '20000000' });
});
after(async () => { await stack?.stop(); });

async function metricsText(base = stack.url) {
  const res = await fetch(`${base}/metrics`);
  assert.equal(res.status, 200, await res.clone().text());
  assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
  return res.text();
}

// name{labels} -> value, for every sample line.
function samples(text) {
  const out = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    out.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return out;
}

test('metrics follow tasks, requests and WebSocket clients, and pass promtool', async () => {
  // The largest first: the smaller one is then answered from the stored digits, not computed.
  assert.equal((await stack.submit(3000)).status, 201);
  await stack.waitDone(3000);
  assert.equal((await stack.submit(1000)).status, 201);
  await stack.waitDone(1000);
  assert.equal((await stack.submit(3000)).status, 200);
  // One task cancelled while queued: an n too large to finish during the test.
  const big = await stack.submit(19000000);
  assert.equal(big.status, 201);
  const cancel = await fetch(`${stack.url}/api/tasks/19000000/cancel`, {
    method: 'POST', headers: { Authorization: `Bearer ${ADMIN}` },
  });
  assert.equal(cancel.status, 200);
  const { ws } = await stack.socket();
  try {
    // Request figures reach Redis within about a second (each pi-fcgi process
    // flushes its own, at its own time), relay figures too.
    const m = await waitFor(async () => {
      const s = samples(await metricsText());
      return s.get('pidigits_http_requests_total{route="/api/tasks",code="201"}') === 3 &&
        s.get('pidigits_http_requests_total{route="/api/tasks",code="200"}') === 1 &&
        s.get('pidigits_http_requests_total{route="/api/tasks/{n}/cancel",code="200"}') === 1 &&
        s.get('pidigits_http_requests_total{route="/api/tasks/{n}",code="200"}') >= 2 &&
        s.get('pidigits_http_requests_total{route="/healthz",code="200"}') >= 1 &&
        s.get('pidigits_relay_clients') === 1 ? s : null;
    }, 10000, 'request counts and the relay client in /metrics');
    assert.equal(m.get('pidigits_tasks{status="done"}'), 2);
    assert.equal(m.get('pidigits_tasks{status="cancelled"}'), 1);
    assert.equal(m.get('pidigits_tasks{status="queued"}'), 0);
    assert.equal(m.get('pidigits_tasks{status="running"}'), 0);
    assert.equal(m.get('pidigits_tasks{status="error"}'), 0);
    assert.equal(m.get('pidigits_queue_length'), 0);
    assert.equal(m.get('pidigits_workers'), 2);
    assert.equal(m.get('pidigits_tasks_computed_total'), 1);
    assert.equal(m.get('pidigits_tasks_failed_total'), 0);
    assert.equal(m.get('pidigits_compute_seconds_count'), 1);
    assert.equal(m.get('pidigits_compute_seconds_bucket{le="+Inf"}'), 1);
    assert.ok(m.get('pidigits_compute_seconds_sum') > 0);
    assert.equal(m.get('pidigits_http_requests_total{route="/api/tasks",code="200"}'), 1);
    assert.equal(m.get('pidigits_http_requests_total{route="/api/tasks/{n}/cancel",code="200"}'), 1);
    assert.ok(m.get('pidigits_http_requests_total{route="/api/tasks/{n}",code="200"}') >= 2);
    assert.ok(m.get('pidigits_http_requests_total{route="/healthz",code="200"}') >= 1);
    const count = m.get('pidigits_http_request_duration_seconds_count');
    assert.equal(m.get('pidigits_http_request_duration_seconds_bucket{le="+Inf"}'), count);
    assert.ok(count >= 8, `duration count ${count}`);
    assert.equal(m.get('pidigits_relay_dropped_total'), 0);
  } finally {
    ws.close();
  }
  await waitFor(async () => samples(await metricsText()).get('pidigits_relay_clients') === 0, 10000,
    'the relay client to leave');
  // An unknown path counts under route="none".
  assert.equal((await fetch(`${stack.url}/nowhere`)).status, 404);
  await waitFor(async () => samples(await metricsText())
    .get('pidigits_http_requests_total{route="none",code="404"}') === 1, 10000, 'the 404 count');

  const out = execFileSync('promtool', ['check', 'metrics'], { input: await metricsText(), encoding: 'utf8' });
  assert.equal(out.trim(), '', `promtool: ${out}`);
});

test('metrics are refused (403) to a client that is not loopback nor in PI_METRICS_ALLOW', async (t) => {
  const external = Object.values(os.networkInterfaces()).flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal);
  if (!external) return t.skip('this machine has no non-loopback IPv4 address');
  const res = await fetch(`http://${external.address}:${stack.httpPort}/metrics`);
  assert.equal(res.status, 403);
  const body = await res.json();
  assert.match(body.error, /PI_METRICS_ALLOW/);
  assert.match(body.error, new RegExp(external.address.replace(/\./g, '\\.')));
  // The rest of the service answers that address as usual.
  assert.equal((await fetch(`http://${external.address}:${stack.httpPort}/healthz`)).status, 200);
});
