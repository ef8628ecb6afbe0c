// WebSockets through nginx on the real stack: the Origin check (403 from the
// relay), nginx's per-address connection limit, the relay's /metrics staying
// internal, and relay_bench fanning out to more clients than a soft limit of
// 1024 open files would allow (nginx and the relay raise their own limits).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { ROOT, Stack, waitFor } from './stack.mjs';

const BENCH = path.join(ROOT, 'build/bin/relay_bench');
const FRIEND = 'https://friend.example';
let stack;

before(async () => {
  stack = await Stack.start({ PI_ALLOWED_ORIGINS: `${FRIEND}, http://intranet:81` }, { softNofile: 1024 });
});
after(async () => {
  await stack?.stop();
});

// Sends a WebSocket upgrade for /ws. Resolves with the status, the body of a
// refusal, and for a 101 the open socket (the caller closes it).
function upgrade({ origin, localAddress } = {}) {
  const headers = {
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version': '13',
  };
  if (origin !== undefined) headers.Origin = origin;
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: stack.httpPort, path: '/ws', headers, localAddress });
    req.on('upgrade', (res, socket) => resolve({ status: res.statusCode, socket }));
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function relayMetric(name) {
  const text = await (await fetch(`http://127.0.0.1:${stack.env.PI_RELAY_PORT}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? null : Number(line.split(' ')[1]);
}

test('an upgrade from a foreign Origin gets 403; none, the page\'s own and listed ones get 101', async () => {
  const own = `127.0.0.1:${stack.httpPort}`;
  const cases = [
    [undefined, 101], // not a browser
    [`http://${own}`, 101],
    [`https://${own}`, 101], // the same page behind TLS
    [FRIEND, 101],
    ['http://intranet:81', 101],
    ['https://evil.example', 403],
    [`http://127.0.0.1:${stack.httpPort + 1}`, 403], // another site on the same host
    ['http://friend.example', 403], // listed with https only
    ['null', 403],
  ];
  for (const [origin, status] of cases) {
    const r = await upgrade({ origin });

    assert.equal(r.status, status, `Origin ${origin}: ${r.body ?? ''}`);
    if (r.socket) r.socket.destroy();
    if (status === 403) assert.match(JSON.parse(r.body).error, /PI_ALLOWED_ORIGINS/);
  }
});

test('nginx allows 20 WebSockets per client address; the 21st gets 429, other addresses still connect', async () => {
  const open = [];
  try {
    for (let i = 0; i < 20; i++) {
      const r = await upgrade({ localAddress: '127.0.0.77' });
      assert.equal(r.status, 101, `connection ${i + 1}: ${r.body ?? ''}`);
      open.push(r.socket);
    }
    const refused = await upgrade({ localAddress: '127.0.0.77' });
    assert.equal(refused.status, 429);
    assert.match(JSON.parse(refused.body).error, /too many/);
    const other = await upgrade({ localAddress: '127.0.0.78' });
    assert.equal(other.status, 101);
    other.socket.destroy();
  } finally {
    for (const socket of open) socket.destroy();
  }
});

test('the relay\'s /metrics is on its internal port only; /ws without an upgrade is not it', async () => {
  const res = await fetch(`http://127.0.0.1:${stack.env.PI_RELAY_PORT}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/plain/);
  const text = await res.text();
  assert.match(text, /^# TYPE pidigits_relay_clients gauge$/m);
  assert.match(text, /^pidigits_relay_dropped_total \d+$/m);
  const ws = await fetch(`${stack.url}/ws`);
  assert.equal(ws.status, 426);
  assert.doesNotMatch(await ws.text(), /pidigits_relay/);
});

test('relay_bench: 1,500 clients through nginx, started under a soft limit of 1,024 open files', async (t) => {
  assert.ok(fs.existsSync(BENCH), `${BENCH} is missing: build it (deploy/build --all)`);
  // deploy/start inherited the soft limit; the processes it started raise theirs.
  const nginxWorkers = stack.children(stack.pid('nginx'));
  assert.ok(nginxWorkers.length > 0);
  for (const pid of [...nginxWorkers, stack.pid('pi-relay')]) {
    const limits = fs.readFileSync(`/proc/${pid}/limits`, 'utf8');
    const soft = Number(limits.match(/^Max open files\s+(\d+)/m)[1]);
    assert.ok(soft >= 3000, `process ${pid} may open only ${soft} files`);
  }
  const clients = 1500;
  const count = 5;
  const { stdout } = await new Promise((resolve, reject) => {
    execFile(BENCH, ['--ws-port', String(stack.httpPort), '--redis-port', String(stack.redisPort),
      '--clients', String(clients), '--count', String(count)], { timeout: 120000 },
    (error, out, err) => (error ? reject(new Error(`${error.message}\n${out}\n${err}`)) : resolve({ stdout: out })));
  });
  const lines = stdout.trim().split('\n');
  t.diagnostic(lines.join(' | '));
  const last = lines.at(-1).match(/^delivered (\d+)\/(\d+) p50 ([\d.]+) ms p99 ([\d.]+) ms max ([\d.]+) ms$/);
  assert.ok(last, `last line: ${lines.at(-1)}`);
  assert.equal(Number(last[2]), clients * count);
  assert.equal(Number(last[1]), clients * count, 'every client got every event');
  assert.ok(Number(last[3]) <= Number(last[4]) && Number(last[4]) <= Number(last[5]));
  // They are gone again, and none was dropped for being slow.
  await waitFor(async () => (await relayMetric('pidigits_relay_clients')) === 0, 10000, 'the bench clients to leave');
  assert.equal(await relayMetric('pidigits_relay_dropped_total'), 0);
});
