/*
 * The page config, `window.__sandbox` (the record tests assert on), error recording and small
 * DOM helpers every other host module uses.
 */
/* global requirejs */
define([], function () {
  'use strict';

  var cfg = JSON.parse(document.getElementById('sandbox-config').textContent);
  var query = new URLSearchParams(window.location.search);

  var PAGES = {
    card: {area: 'ccard', entity: 'contacts', title: 'Contact card'},
    list: {area: 'clist', entity: 'contacts', title: 'Contacts list'},
    settings: {area: 'settings', entity: 'settings', title: 'Settings'}
  };

  var sb = window.__sandbox = {
    config: cfg,
    state: 'loading',
    page: null,
    area: null,
    navigationMode: query.get('navigation') === 'render-only' ? 'render-only' : 'full',
    widget: null,
    lifecycle: [],
    notifications: [],
    errors: [],
    requests: [],
    pendingRequests: 0,
    actions: {},
    addActionCalls: [],
    phoneCalls: [],
    statuses: [],
    saves: [],
    settingsOpened: 0,
    controlCalls: []
  };

  // Everything uncaught is recorded; callback errors are recorded and rethrown later so
  // Playwright's `pageerror` (and a person's console) still see them.
  var rethrown = [];

  function describe(err) {
    if (err && typeof err === 'object') {
      return {message: String(err.message || err), stack: err.stack ? String(err.stack) : null};
    }
    return {message: String(err), stack: null};
  }

  function recordError(kind, err, extra) {
    var entry = describe(err);
    entry.kind = kind;
    if (extra) {
      Object.keys(extra).forEach(function (k) { entry[k] = extra[k]; });
    }
    sb.errors.push(entry);
    return entry;
  }

  function rethrowLater(err) {
    rethrown.push(err);
    setTimeout(function () { throw err; }, 0);
  }

  function setState(state, reason) {
    sb.state = state;
    document.body.setAttribute('data-widget-state', state);
    if (reason) {
      sb.stateReason = reason;
      var footer = document.getElementById('sandbox-footer');
      footer.textContent = reason;
      footer.className = 'sandbox-footer sandbox-footer--error';
    }
  }

  window.addEventListener('error', function (ev) {
    var i = rethrown.indexOf(ev.error);
    if (i >= 0) {  // already recorded where it was caught
      rethrown.splice(i, 1);
      return;
    }
    recordError('uncaught', ev.error || ev.message, {source: ev.filename, line: ev.lineno, column: ev.colno});
  });
  window.addEventListener('unhandledrejection', function (ev) {
    recordError('unhandledrejection', ev.reason);
  });
  requirejs.onError = function (err) {
    recordError('requirejs', err, {requireType: err.requireType, requireModules: err.requireModules || null});
    if (sb.state === 'loading') {
      setState('error', 'RequireJS could not load the widget: ' + err.message);
    }
    rethrowLater(err);
  };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function plain(value) {
    // A JSON copy, so records never hold live objects (jQuery, DOM) that tests cannot read.
    try {
      return value === undefined ? null : JSON.parse(JSON.stringify(value));
    } catch (e) {
      return String(value);
    }
  }

  function lookup(obj, path) {
    var cur = obj;
    var parts = String(path).split('.');
    for (var i = 0; i < parts.length; i++) {
      if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, parts[i])) {
        return false;
      }
      cur = cur[parts[i]];
    }
    return cur;
  }

  function text(path, fallback) {
    var found = lookup(cfg.i18n, path);
    return typeof found === 'string' ? found : fallback;
  }

  return {
    cfg: cfg, query: query, sb: sb, PAGES: PAGES,
    describe: describe, recordError: recordError, rethrowLater: rethrowLater, setState: setState,
    el: el, plain: plain, lookup: lookup, text: text
  };
});
