// The "Find digits in π" box of the index page. Without JavaScript the box is
// a plain GET form to /find, which redirects to the π page showing the match.
// With it, the answer appears in place: GET /api/search?q= for the position,
// then GET /api/digits for a few decimals around the match, and a link to the
// π page (/find?q=..., the same redirect). Nothing here is inline: the page's
// Content-Security-Policy allows scripts from this origin only.
(function () {
  'use strict';

  var MAX_DIGITS = 20;   // the API's longest query
  var CONTEXT = 10;      // decimals shown on each side of the match

  var form = document.getElementById('find-form');
  if (!form) return;
  var input = document.getElementById('find-q');
  var result = document.getElementById('find-result');
  var button = form.querySelector('button[type="submit"]');
  var asked = 0;  // answers to older submissions are dropped

  function formatCount(value) {
    return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function getJson(url) {
    return fetch(url, { headers: { Accept: 'application/json' } }).then(function (response) {
      return response.text().then(function (text) {
        var body = null;
        try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
        return { status: response.status, body: body };
      });
    });
  }

  function show(state, nodes) {
    result.textContent = '';
    result.setAttribute('data-state', state);
    nodes.forEach(function (node) { result.appendChild(node); });
  }

  function showError(message) {
    input.setAttribute('aria-invalid', 'true');
    show('error', [el('p', 'find-message', message)]);
  }

  // "… 2 6 4 3 [999999] 8 3 7 …": the decimals around the match, the match marked.
  function contextLine(q, position, digits, start) {
    var line = el('p', 'find-context');
    var before = digits.slice(0, position - start);
    var after = digits.slice(position - start + q.length);
    line.appendChild(document.createTextNode((start > 1 ? '…' : '3.') + before));
    line.appendChild(el('mark', null, q));
    line.appendChild(document.createTextNode(after + '…'));
    return line;
  }

  function showFound(q, answer, my) {
    var message = el('p', 'find-message');
    message.appendChild(document.createTextNode(q + ' first occurs at decimal '));
    message.appendChild(el('strong', null, formatCount(answer.position)));
    message.appendChild(document.createTextNode(' of π (' + formatCount(answer.searched) +
                                                ' decimals searched). '));
    var link = el('a', 'find-link', 'Show it in π');
    link.href = '/find?q=' + encodeURIComponent(q);
    message.appendChild(link);
    show('found', [message]);
    var start = Math.max(1, answer.position - CONTEXT);
    var end = Math.min(answer.searched, answer.position + q.length - 1 + CONTEXT);
    getJson('/api/digits?start=' + start + '&count=' + (end - start + 1)).then(function (got) {
      if (my !== asked || got.status !== 200 || !got.body) return;
      result.insertBefore(contextLine(q, answer.position, got.body.digits, start), message);
    }).catch(function () { /* the position is shown already; the context is a bonus */ });
  }

  function showAnswer(q, answer, my) {
    if (answer.position !== null) {
      showFound(q, answer, my);
    } else if (answer.searched === 0) {
      show('none', [el('p', 'find-message',
        'No decimals of π are stored yet. Compute some first (for example n = 1000), then search.')]);
    } else {
      show('none', [el('p', 'find-message', q + ' does not occur in the first ' +
        formatCount(answer.searched) + ' decimals of π computed here. ' +
        'Computing more decimals (a larger n) makes more of π searchable.')]);
    }
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var q = input.value.replace(/\s+/g, '');
    if (!/^[0-9]+$/.test(q) || q.length > MAX_DIGITS) {
      showError('Type 1 to ' + MAX_DIGITS + ' digits (0-9), such as 999999.');
      input.focus();
      return;
    }
    input.removeAttribute('aria-invalid');
    var my = ++asked;
    button.disabled = true;
    show('busy', [el('p', 'find-message', 'Searching…')]);
    getJson('/api/search?q=' + encodeURIComponent(q)).then(function (got) {
      if (my !== asked) return;
      if (got.status === 200 && got.body) {
        showAnswer(q, got.body, my);
      } else {
        showError(got.body && got.body.error ? got.body.error
          : 'The search failed (HTTP ' + got.status + '). Please try again.');
      }
    }).catch(function () {
      if (my === asked) showError('The server could not be reached. Please try again.');
    }).then(function () {
      if (my === asked) button.disabled = false;
    });
  });

  // The browser's own check would stop the form before this script sees it;
  // the script gives its own message instead.
  form.noValidate = true;
}());
