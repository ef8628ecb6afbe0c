// Sample data for the preview server: tasks in the JSON of task.h (to_json)
// and the pi page's view as CONTRACTS.md describes it.
'use strict';

const LINE = 50;
const GROUP = 10;
const WHOLE_UP_TO = 10000;
const WINDOW = 5000;

// pi's decimals with BigInt fixed point: pi = 16 atan(1/5) - 4 atan(1/239).
function piDecimals(n) {
  const guard = 10n;
  const one = 10n ** BigInt(n + 10) * guard;
  const atanInv = (x) => {
    const xx = BigInt(x) * BigInt(x);
    let term = one / BigInt(x);
    let sum = term;
    for (let k = 1n; term !== 0n; k++) {
      term /= xx;
      sum += (k % 2n ? -1n : 1n) * (term / (2n * k + 1n));
    }
    return sum;
  };
  const pi = 16n * atanInv(5) - 4n * atanInv(239);
  return pi.toString().slice(1, n + 1);
}

function task(n, id, stage, extra) {
  const status = { registered: 'queued', scheduled: 'queued', taken: 'running', calculated: 'running',
    stored: 'done', error: 'error' }[stage];
  const digit = status === 'done' ? Number(piDecimals(n).slice(-1)) : null;
  const progress = extra && extra.progress !== undefined ? extra.progress : status === 'done' ? 1 : 0;
  return Object.assign({
    n, id, status, stage, digit, error: null, progress, phase: null, attempts: status === 'queued' ? 0 : 1,
    worker: null, source: status === 'done' ? 'computed' : null,
    created_at: '2025-11-26T04:3' + (id % 10) + ':12.345Z', updated_at: '2025-11-26T04:3' + (id % 10) + ':13.000Z',
    stages: {}, took_ms: null, url: '/pi/' + n,
    queued: status === 'queued', running: status === 'running', done: status === 'done', failed: status === 'error',
    digit_text: digit === null ? '' : String(digit), progress_pct: Math.floor(progress * 100),
    created: '2025-11-26 04:3' + (id % 10) + ':12', took: '',
  }, extra || {});
}

function sampleTasks() {
  return [
    task(250000000, 9, 'registered'),
    task(50000000, 8, 'scheduled'),
    task(20000000, 7, 'calculated', { progress: 0.63, took: '12.40 s', phase: 'series' }),
    task(1000000, 6, 'taken', { progress: 0.08, took: '310 ms' }),
    task(999999999, 5, 'error', { error: 'n = 999999999 needs about 13 GiB; a worker may use 2 GiB. Try at most 80,000,000.' }),
    task(12345, 4, 'stored', { took: '18 ms' }),
    task(1000, 3, 'stored', { took: '2 ms' }),
    task(5, 2, 'stored', { took: '1 ms', source: 'cached' }),
    task(1, 1, 'stored', { took: '1 ms' }),
  ].filter(Boolean);
}

function withCommas(x) { return Number(x).toLocaleString('en-US'); }

function piView(n, fromParam, taskJson) {
  const available = !taskJson || taskJson.done;
  if (!available || n > 200000) {
    return { n: String(n), n_text: withCommas(n), available: false, task: taskJson || false,
      txt_url: '/pi/' + n + '.txt', from: '', to: '', whole: false, lines: [], nav: false,
      window: String(WINDOW), max_digits: '100000000' };
  }
  let from;
  let to;
  if (n <= WHOLE_UP_TO) {
    from = 1;
    to = n;
  } else {
    const k = fromParam ? Math.min(Math.max(1, Number(fromParam)), n) : Math.max(1, n - WINDOW + 1);
    from = Math.floor((k - 1) / LINE) * LINE + 1;
    to = fromParam ? Math.min(n, from + WINDOW - 1) : n;
  }
  const decimals = piDecimals(to);
  const lines = [];
  for (let start = from; start <= to; start += LINE) {
    const groups = [];
    for (let g = start; g <= Math.min(to, start + LINE - 1); g += GROUP) {
      const end = Math.min(to, g + GROUP - 1);
      let digits = decimals.slice(g - 1, end);
      let marked = '';
      if (end === n) {
        marked = digits.slice(-1);
        digits = digits.slice(0, -1);
      }
      groups.push({ digits, marked });
    }
    lines.push({ pos: String(start), head: start === 1 ? '3.' : '', groups });
  }
  const url = (k) => '/pi/' + n + '?from=' + k;
  const whole = from === 1 && to === n;
  return {
    n: String(n), n_text: withCommas(n), available, task: taskJson,
    txt_url: '/pi/' + n + '.txt', from: String(from), to: String(to), whole, lines,
    nav: {
      first: from > 1 ? url(1) : '',
      prev: from > 1 ? url(Math.max(1, from - WINDOW)) : '',
      next: to < n ? url(to + 1) : '',
      last: to < n ? '/pi/' + n : '',
    },
    window: String(WINDOW), max_digits: '100000000',
  };
}

module.exports = { sampleTasks, piView, piDecimals, task };
