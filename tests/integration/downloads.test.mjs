// /pi/N.txt on the real stack: conditional and range requests, nginx's copy
// of the digits, and downloads whose clients stall (issue 9: they must not
// hold pi-fcgi's threads).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Stack, sleep } from './stack.mjs';

// The stalled downloads must be larger than what the sockets between client,
// nginx and pi-fcgi can absorb (~15 MB on Linux), or even a server that streams
// from a FastCGI thread would get through them.
const LONG = 20_000_000;
let stack;
let digits;

before(async () => {
  stack = await Stack.start({ PI_MAX_DIGITS: '30000000' });
  // Only the size of pi:digits matters here, not that its decimals are pi's:
  // computing 20,000,000 real ones would take half a minute.
  const decimals = Buffer.alloc(LONG, '1415926535');
  digits = Buffer.concat([Buffer.from('3.'), decimals]);
  stack.putDigits(digits);
});
after(async () => { await stack?.stop(); });

async function get(path, headers = {}) {
  const res = await fetch(`${stack.url}${path}`, { headers });
  return { res, body: Buffer.from(await res.arrayBuffer()) };
}

test('/pi/N.txt has an ETag, answers If-None-Match and Range, and nginx keeps a copy', async () => {
  const n = 1000;
  const first = await get(`/pi/${n}.txt`);
  assert.equal(first.res.status, 200);
  assert.equal(first.res.headers.get('etag'), `"pi-${n}"`);
  assert.equal(first.res.headers.get('accept-ranges'), 'bytes');
  assert.match(first.res.headers.get('cache-control'), /immutable/);
  assert.equal(first.res.headers.get('x-cache-status'), 'MISS');
  assert.deepEqual(first.body, digits.subarray(0, n + 2));

  const again = await get(`/pi/${n}.txt`);
  assert.equal(again.res.headers.get('x-cache-status'), 'HIT', 'the second download comes from nginx');
  assert.deepEqual(again.body, first.body);

  const unchanged = await get(`/pi/${n}.txt`, { 'If-None-Match': `"pi-${n}"` });
  assert.equal(unchanged.res.status, 304);
  assert.equal(unchanged.body.length, 0);

  const part = await get(`/pi/${n}.txt`, { Range: 'bytes=2-11' });
  assert.equal(part.res.status, 206);
  assert.equal(part.res.headers.get('content-range'), `bytes 2-11/${n + 2}`);
  assert.deepEqual(part.body, digits.subarray(2, 12));
  const tail = await get(`/pi/${n}.txt`, { Range: 'bytes=-3' });
  assert.equal(tail.res.status, 206);
  assert.deepEqual(tail.body, digits.subarray(n - 1, n + 2));
  assert.equal((await get(`/pi/${n}.txt`, { Range: `bytes=${n + 2}-` })).res.status, 416);

  // A range asked of a download nobody has made yet is answered too.
  const fresh = await get('/pi/2000.txt', { Range: 'bytes=1000-1009' });
  assert.equal(fresh.res.status, 206);
  assert.deepEqual(fresh.body, digits.subarray(1000, 1010));
});

test('a download not computed yet is a 404 that is never kept', async () => {
  for (let i = 0; i < 2; i++) {
    const missing = await get(`/pi/${LONG + 1}.txt`);
    assert.equal(missing.res.status, 404);
    assert.notEqual(missing.res.headers.get('x-cache-status'), 'HIT');
    assert.match(missing.res.headers.get('cache-control'), /no-store/);
  }
});

test('downloads whose clients stop reading hold no FastCGI thread', async () => {
  // More stalled downloads than pi-fcgi has threads (2 processes x 4).
  const stalled = [];
  for (let i = 0; i < 12; i++) {
    const socket = net.connect(stack.httpPort, '127.0.0.1');
    socket.on('error', () => {});
    socket.on('connect', () => {
      socket.write(`GET /pi/${LONG}.txt HTTP/1.1\r\nHost: test\r\n\r\n`);
      socket.pause();  // read nothing more: the kernel's buffers fill up
    });
    stalled.push(socket);
  }
  try {
    await sleep(2000);
    for (let i = 0; i < 10; i++) {
      for (const path of ['/healthz', '/api/tasks?limit=1']) {
        const started = Date.now();
        const res = await fetch(`${stack.url}${path}`, { signal: AbortSignal.timeout(3000) });
        assert.equal(res.status, 200, path);
        await res.arrayBuffer();
        assert.ok(Date.now() - started < 2000, `${path} took ${Date.now() - started} ms`);
      }
    }
    // And the whole file is still there for a client that reads it.
    const whole = await get(`/pi/${LONG}.txt`);
    assert.equal(whole.res.status, 200);
    assert.equal(whole.body.length, LONG + 2);
  } finally {
    for (const socket of stalled) socket.destroy();
  }
});
