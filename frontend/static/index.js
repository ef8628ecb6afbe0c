// The index page: the submit form, the row actions (cancel, retry), the
// go-to box, the filter tabs' live counts and the live table.
(function () {
  'use strict';

  var PD = window.pidigits;
  var COUNTS_DELAY_MS = 1000;  // counts are fetched at most once a second

  // A hint while typing; the server's answer on submit is what counts (it
  // takes "1,000", "1 000" and fullwidth digits: docs/CONTRACTS.md).
  function inputHint(text, max) {
    var digits = text.replace(/[\s,\u00a0\u202f\u2009\u3000\uff0c]/g, '')
      .replace(/[\uff10-\uff19]/g, function (c) { return String(c.charCodeAt(0) - 0xff10); });
    if (digits === '') return '';
    if (!/^\d+$/.test(digits)) return 'n is a whole number of decimal places, like 1000.';
    if (/^0+$/.test(digits)) return 'n starts at 1 (the first digit after the point).';
    if (max && digits.replace(/^0+/, '').length >= String(max).length && Number(digits) > max) {
      return 'The largest n this server computes is ' + PD.countText(max) + '.';
    }
    return '';
  }

  // "n = 1,000 was asked for before: decimal 1,000 of π is 9. Open π to 1,000 places"
  function existingMessage(status, task) {
    var nText = PD.countText(task.n);
    status.textContent = '';
    var link = document.createElement('a');
    link.href = '/pi/' + task.n;
    if (task.status === 'done' && Number.isInteger(task.digit)) {
      status.append('n = ' + nText + ' was asked for before: decimal ' + nText + ' of π is ');
      var digit = document.createElement('strong');
      digit.className = 'answer-digit';
      digit.textContent = String(task.digit);
      status.append(digit, '. ');
      link.textContent = 'See π to ' + nText + ' places';
    } else {
      status.append('n = ' + nText + ' was asked for before; that task is ' + task.status + '. ');
      link.textContent = 'Open its page';
    }
    status.append(link);
  }

  function setupForm(form, table) {
    var input = PD.$('#n', form);
    var error = PD.$('#form-error');
    var status = PD.$('#form-status');
    var button = PD.$('button[type="submit"]', form);
    var help = PD.$('#n-help');
    var helpText = help ? help.textContent : '';
    var max = Number(input.dataset.max) || 0;

    input.addEventListener('input', function () {
      var hint = inputHint(input.value, max);
      input.removeAttribute('aria-invalid');
      if (help) {
        help.textContent = hint || helpText;
        help.classList.toggle('help--hint', !!hint);
      }
    });

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      error.textContent = '';
      status.textContent = '';
      button.disabled = true;
      form.setAttribute('aria-busy', 'true');
      PD.postForm('/api/tasks', { n: input.value }).then(function (result) {
        if ((result.status === 201 || result.status === 200) && result.body && result.body.n) {
          var row = table.upsert(result.body);
          if (result.status === 201) {
            status.textContent = 'Task for n = ' + PD.countText(result.body.n) + ' added.';
          } else {
            existingMessage(status, result.body);
          }
          PD.highlight(row);
          input.value = '';
          if (help) { help.textContent = helpText; help.classList.remove('help--hint'); }
        } else {
          error.textContent = PD.errorText(result);
          input.setAttribute('aria-invalid', 'true');
        }
      }).catch(function () {
        error.textContent = 'Could not reach the server. Check the connection and try again.';
      }).then(function () {
        button.disabled = false;
        form.removeAttribute('aria-busy');
        input.focus();
      });
    });
  }

  // Cancel and retry: plain forms without JavaScript (the server answers
  // with a redirect back), fetch with it. A refusal (403: only the browser
  // that created a task may cancel it) is said in words above the table.
  function setupActions(table) {
    var message = PD.$('#action-error');
    document.addEventListener('submit', function (event) {
      var form = event.target;
      if (!form.classList || !form.classList.contains('act')) return;
      event.preventDefault();
      var button = PD.$('button', form);
      var row = form.closest('tr');
      if (button) button.disabled = true;
      message.textContent = '';
      PD.postForm(form.getAttribute('action')).then(function (result) {
        if (result.status === 200 && result.body && result.body.n) {
          var updated = table.upsert(result.body);
          if (updated) PD.highlight(updated);
        } else {
          message.textContent = PD.errorText(result);
        }
      }).catch(function () {
        message.textContent = 'Could not reach the server. Check the connection and try again.';
      }).then(function () {
        if (button && button.isConnected) button.disabled = false;
        if (row && !row.contains(document.activeElement)) {
          var next = PD.$('.c-act button', row) || PD.$('.c-n a', row);
          if (next) next.focus();
        }
      });
    });
  }

  // The go-to box: a row on this page is brought into view; any other n goes
  // to the server (GET /?n=N), which reads it by the typed-number rule.
  function setupGoto(form) {
    var input = PD.$('#goto-n', form);
    form.addEventListener('submit', function (event) {
      var digits = input.value.replace(/[\s,\u00a0\u202f\u2009\u3000\uff0c]/g, '')
        .replace(/[\uff10-\uff19]/g, function (c) { return String(c.charCodeAt(0) - 0xff10); })
        .replace(/^0+(?=\d)/, '');
      var row = /^\d+$/.test(digits) ? document.getElementById('task-' + digits) : null;
      if (!row) return;  // the server answers
      event.preventDefault();
      PD.highlight(row);
      var link = PD.$('.c-n a', row);
      if (link) link.focus({ preventScroll: true });
    });
  }

  function showCounts(counts) {
    if (!counts || typeof counts !== 'object') return;
    var all = 0;
    Object.keys(counts).forEach(function (status) {
      var count = Number(counts[status]) || 0;
      all += count;
      var el = PD.$('.tabs a[data-status="' + status + '"] .count');
      if (el) el.textContent = PD.countText(count);
    });
    var total = PD.$('.tabs a[data-status="all"] .count');
    if (total) total.textContent = PD.countText(all);
  }

  // Counts follow the events: fetched again (one task listed) at most once a second.
  function countsFollower() {
    var timer = null;
    return function () {
      if (timer) return;
      timer = setTimeout(function () {
        timer = null;
        PD.fetchJson('/api/tasks?limit=1', { headers: { Accept: 'application/json' } })
          .then(function (result) { if (result.status === 200 && result.body) showCounts(result.body.counts); })
          .catch(function () {});
      }, COUNTS_DELAY_MS);
    };
  }

  function updateLoadMore(body, table) {
    var link = document.getElementById('load-more');
    if (!link) return;
    var next = body.next_before;
    link.parentElement.hidden = next === null || next === undefined || next === '';
    if (link.parentElement.hidden) return;
    var params = new URLSearchParams();
    if (table.status) params.set('status', table.status);
    if (table.limit) params.set('limit', String(table.limit));
    params.set('before', String(next));
    link.href = '/?' + params.toString();
  }

  function start() {
    if (document.body.dataset.page !== 'index') return;
    PD.localizeTimes(document);
    var tz = PD.$('.task-table th .tz');
    if (tz) tz.remove();  // the times are the reader's now; UTC is in each tooltip
    var tbody = document.getElementById('task-rows');
    var templateEl = document.getElementById('row-template');
    if (!tbody || !templateEl || typeof Mustache === 'undefined') return;
    var table = new PD.TaskTable(tbody, templateEl.textContent);
    // For the browser tests: the row this page would render for a task.
    PD.rowHtml = function (task) { return table.html(task); };
    var seq = Number(document.body.dataset.seq);
    var followCounts = countsFollower();
    var feed = new PD.EventFeed(table, isFinite(seq) ? seq : 0, function (body) {
      updateLoadMore(body, table);
      showCounts(body.counts);
    }, followCounts);
    var form = document.getElementById('task-form');
    if (form) setupForm(form, table);
    var gotoForm = document.getElementById('goto-task');
    if (gotoForm) setupGoto(gotoForm);
    setupActions(table);
    setInterval(PD.tickTook, 1000);

    // Without JavaScript a form post comes back to /#task-N: that row is the answer.
    if (location.hash.indexOf('#task-') === 0) PD.highlight(document.getElementById(location.hash.slice(1)));

    var indicator = document.getElementById('connection');
    PD.connectLive({
      onOpen: function () { feed.resync(); },
      onMessage: function (message) { feed.handle(message); },
      onState: function (state, seconds) { PD.showConnection(indicator, state, seconds); }
    });
  }

  PD.onReady(start);
})();
