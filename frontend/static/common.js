// pidigits in the browser, shared helpers (loaded first, with `defer`, on
// every page). No framework: the server renders every page with the Mustache
// templates; the scripts only keep them current. Everything the other files
// share hangs off window.pidigits.
(function () {
  'use strict';

  var PD = window.pidigits = window.pidigits || {};

  PD.$ = function (selector, root) { return (root || document).querySelector(selector); };
  PD.$$ = function (selector, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(selector));
  };

  PD.parseHtml = function (html) {
    var template = document.createElement('template');
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  };

  // The server's clock minus ours, from the Date header of an API answer
  // (whole seconds; null until one arrived). "took" ticks by the server's clock.
  PD.clockSkew = null;

  // fetch + JSON. Resolves to {status, body}; body is null when the answer
  // is not JSON (a proxy's error page, for example).
  PD.fetchJson = function (url, options) {
    return fetch(url, options).then(function (response) {
      var date = Date.parse(response.headers.get('Date') || '');
      if (!isNaN(date)) PD.clockSkew = date + 500 - Date.now();
      return response.text().then(function (text) {
        var body = null;
        try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
        return { status: response.status, body: body };
      });
    });
  };

  // POST of a form's fields as application/x-www-form-urlencoded: what the
  // person typed goes to the server as typed (the server's rule decides).
  PD.postForm = function (url, fields) {
    var body = new URLSearchParams(fields || {});
    return PD.fetchJson(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: body.toString()
    });
  };

  PD.errorText = function (result) {
    if (result.body && typeof result.body.error === 'string' && result.body.error) {
      return result.body.error;
    }
    return 'The server could not take the request (HTTP ' + result.status + '). Please try again.';
  };

  function pad2(value) { return (value < 10 ? '0' : '') + value; }
  PD.pad2 = pad2;

  // 1234567 -> "1,234,567"
  PD.countText = function (value) { return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ','); };

  // "850 ms", "1.23 s" (hundredths, half up), "2 min 03 s", "1 h 02 min"
  PD.durationText = function (ms) {
    if (ms < 0) ms = 0;
    if (ms < 1000) return ms + ' ms';
    if (ms < 60000) {
      var hundredths = Math.floor((ms + 5) / 10);
      return Math.floor(hundredths / 100) + '.' + pad2(hundredths % 100) + ' s';
    }
    if (ms < 3600000) return Math.floor(ms / 60000) + ' min ' + pad2(Math.floor(ms / 1000) % 60) + ' s';
    return Math.floor(ms / 3600000) + ' h ' + pad2(Math.floor(ms / 60000) % 60) + ' min';
  };

  // <time datetime="ISO"> elements show the reader's local time; the UTC
  // time the server wrote stays in the title.
  PD.localizeTimes = function (root) {
    PD.$$('time[datetime]', root).forEach(function (el) {
      var at = new Date(el.getAttribute('datetime'));
      if (isNaN(at.getTime())) return;
      var text = at.getFullYear() + '-' + pad2(at.getMonth() + 1) + '-' + pad2(at.getDate()) + ' ' +
        pad2(at.getHours()) + ':' + pad2(at.getMinutes()) + ':' + pad2(at.getSeconds());
      if (el.textContent !== text) el.textContent = text;
    });
  };

  // Copy buttons (hidden without JavaScript): data-copy="text", or
  // data-copy-link for the page's address.
  PD.setupCopyButtons = function (root) {
    PD.$$('.copy-buttons', root).forEach(function (group) { group.hidden = false; });
    PD.$$('button.copy', root).forEach(function (button) {
      button.addEventListener('click', function () {
        var text = button.hasAttribute('data-copy-link')
          ? location.origin + location.pathname
          : button.getAttribute('data-copy');
        var note = PD.$('.copied', button.parentElement);
        copyText(text).then(function () {
          if (note) note.textContent = 'Copied ' + (button.hasAttribute('data-copy-link') ? 'the link' : text);
        }, function () {
          if (note) note.textContent = 'Could not copy; select the text instead.';
        });
      });
    });
  };

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.className = 'offscreen';
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      area.remove();
      if (ok) resolve(); else reject(new Error('copy failed'));
    });
  }

  // Scrolls el into view and highlights it for a moment.
  PD.highlight = function (el) {
    if (!el) return;
    el.classList.remove('flash');
    void el.offsetWidth;  // restart the animation
    el.classList.add('flash');
    var reduce = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    el.scrollIntoView({ block: 'center', behavior: reduce ? 'auto' : 'smooth' });
  };

  PD.onReady = function (fn) {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', fn);
    else fn();
  };
})();
