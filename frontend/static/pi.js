// The pi page: opens at the marked digit (or the go-to target), copy
// buttons, and while the digits are not there yet, follows the task live and
// reloads when it is done.
(function () {
  'use strict';

  var PD = window.pidigits;

  // ?from=K: decimal K (the window's first) is marked like the n-th decimal.
  function markTarget(from) {
    var lines = PD.$$('#digits .line');
    for (var i = 0; i < lines.length; i++) {
      var pos = Number(PD.$('.pos', lines[i]).textContent);
      var groups = PD.$$('.g', lines[i]);
      var at = pos;
      for (var g = 0; g < groups.length; g++) {
        var text = groups[g].textContent;
        if (from >= at && from < at + text.length) {
          var node = groups[g].firstChild;  // the group's leading text
          if (!node || node.nodeType !== Node.TEXT_NODE || from - at >= node.nodeValue.length) return null;
          var offset = from - at;
          var target = node.splitText(offset);
          target.splitText(1);
          var mark = document.createElement('mark');
          mark.className = 'target';
          mark.title = 'Decimal ' + PD.countText(from);
          target.replaceWith(mark);
          mark.textContent = target.nodeValue;
          return mark;
        }
        at += text.length;
      }
    }
    return null;
  }

  // Opens at the digit the reader came for, unless the address names a place.
  function scrollToDigit() {
    if (location.hash) return;
    var from = Number(new URLSearchParams(location.search).get('from'));
    var n = Number(document.body.dataset.n);
    var mark = null;
    if (from >= 1 && from !== n) mark = markTarget(from);
    if (!mark) mark = PD.$('#digits mark.nth:not(:empty)');
    if (mark) mark.scrollIntoView({ block: 'center' });
  }

  // Cancel and retry of the pending task: the page changes shape, so reload.
  function setupActions() {
    document.addEventListener('submit', function (event) {
      var form = event.target;
      if (!form.classList || !form.classList.contains('act')) return;
      event.preventDefault();
      PD.postForm(form.getAttribute('action')).then(function (result) {
        if (result.status === 200) {
          location.reload();
          return;
        }
        showError(form, PD.errorText(result));
      }).catch(function () {
        showError(form, 'Could not reach the server. Check the connection and try again.');
      });
    });
  }

  function showError(after, text) {
    var p = after.nextElementSibling;
    if (!p || !p.classList.contains('action-error')) {
      p = document.createElement('p');
      p.className = 'task-error action-error';
      p.setAttribute('role', 'alert');
      after.after(p);
    }
    p.textContent = text;
  }

  function setupCompute(n) {
    var compute = PD.$('form.compute');
    if (!compute) return;
    compute.addEventListener('submit', function (event) {
      event.preventDefault();
      PD.postForm('/api/tasks', { n: n }).then(function (result) {
        if (result.status === 200 || result.status === 201) location.reload();
        else showError(compute, PD.errorText(result));
      });
    });
  }

  function follow(n) {
    function check(task) {
      if (!task || String(task.n) !== n) return;
      if (task.status === 'done') {
        location.reload();
        return;
      }
      var badge = PD.$('#pending .badge');
      if (!badge || task.status !== badge.textContent) {
        location.reload();  // queued -> running or -> error: the page changes shape
        return;
      }
      var view = PD.rowView(task);
      var activity = PD.$('#pending .activity');
      var bar = PD.$('#pending .bar');
      var pct = PD.$('#pending .pct');
      var eta = PD.$('#pending .eta');
      if (activity) activity.textContent = view.activity;
      if (bar) bar.value = view.progress_pct;
      if (pct) pct.textContent = view.progress_pct + '%';
      if (eta) eta.textContent = view.eta_text;
    }

    PD.connectLive({
      onOpen: function () {
        PD.fetchJson('/api/tasks/' + n, { headers: { Accept: 'application/json' } })
          .then(function (result) { if (result.status === 200) check(result.body); })
          .catch(function () {});
      },
      onMessage: function (message) {
        if (message.type === 'task') check(message.task);
      },
      onState: function () {}
    });
  }

  function start() {
    var body = document.body;
    if (body.dataset.page !== 'pi') return;
    var n = body.dataset.n;
    scrollToDigit();
    PD.setupCopyButtons(document);
    setupCompute(n);
    setupActions();
    if (body.dataset.available === 'true' || !PD.$('#pending')) return;
    follow(n);
  }

  PD.onReady(start);
})();
