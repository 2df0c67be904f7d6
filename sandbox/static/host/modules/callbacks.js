/*
 * Calling into the widget: its callbacks (recorded in __sandbox.lifecycle) and the functions
 * it hands to the host (crm_post callbacks, actions). A throw is recorded, then rethrown later.
 */
define(['sandbox/core'], function (core) {
  'use strict';

  var sb = core.sb;

  function callWidget(what, fn, args) {
    if (typeof fn !== 'function') { return undefined; }
    try {
      return fn.apply(sb.widget, args);
    } catch (e) {
      core.recordError(what, e);
      core.rethrowLater(e);
      return undefined;
    }
  }

  function invoke(name, args) {
    var callbacks = sb.widget && sb.widget.callbacks;
    var fn = callbacks && callbacks[name];
    var entry = {name: name, page: sb.page, area: sb.area};
    sb.lifecycle.push(entry);  // before the call: keeps order if the callback triggers another
    if (typeof fn !== 'function') {
      entry.missing = true;
      console.warn('sandbox: the widget has no callbacks.' + name);
      return {entry: entry, value: undefined};
    }
    try {
      var value = fn.apply(callbacks, args || []);
      entry.returnedType = value && typeof value.then === 'function' ? 'promise' : typeof value;
      entry.returned = entry.returnedType === 'object' || entry.returnedType === 'promise' ||
        entry.returnedType === 'function' ? null : value;
      return {entry: entry, value: value};
    } catch (e) {
      entry.threw = core.describe(e).message;
      core.recordError('callback:' + name, e);
      core.rethrowLater(e);
      return {entry: entry, value: undefined, threw: true};
    }
  }

  /** render, then (unless render returned false or ``full`` is off) init and bind_actions. */
  function runLifecycle(full) {
    var r = invoke('render');
    if (r.value !== false && full) {
      invoke('init');
      invoke('bind_actions');
    }
  }

  return {callWidget: callWidget, invoke: invoke, runLifecycle: runLifecycle};
});
