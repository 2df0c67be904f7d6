/*
 * The control strip: drives the demo backend's control API through the sandbox's relay
 * (__sandbox.control), and the strip's buttons that call it.
 */
define(['sandbox/core'], function (core) {
  'use strict';

  var cfg = core.cfg;
  var sb = core.sb;
  var query = core.query;
  var describe = core.describe;

  var lastCallInfo = null;

  sb.control = function (action, body) {
    var rec = {action: action, body: core.plain(body || {}), status: null, response: null};
    sb.controlCalls.push(rec);
    return fetch(cfg.controlRelay + '/' + action, {
      method: 'POST',
      headers: {'Content-Type': 'application/json'},
      body: JSON.stringify(body || {})
    }).then(function (resp) {
      rec.status = resp.status;
      return resp.text().then(function (t) {
        var parsed;
        try { parsed = JSON.parse(t); } catch (e) { parsed = t; }
        rec.response = parsed;
        if (parsed && parsed.status && typeof parsed.status === 'object') {
          lastCallInfo = parsed.status.call_info || null;
        }
        return {status: resp.status, body: parsed};
      });
    });
  };

  function wireControls() {
    var strip = document.getElementById('sandbox-controls');
    if (query.get('controls') === '0') {
      strip.hidden = true;
      return;
    }
    var out = document.getElementById('sandbox-control-result');
    var kind = document.getElementById('sandbox-ctl-fault-kind');
    var value = document.getElementById('sandbox-ctl-fault-value');
    kind.addEventListener('change', function () {
      var opt = kind.options[kind.selectedIndex];
      value.value = opt.getAttribute('data-default');
      value.placeholder = opt.getAttribute('data-placeholder');
      value.disabled = !opt.getAttribute('data-placeholder');
    });
    strip.addEventListener('click', function (ev) {
      var api = ev.target.closest('[data-sandbox-api]');
      if (api) {
        var times = parseInt(document.getElementById('sandbox-ctl-api-times').value, 10);
        var faultBody = api.getAttribute('data-sandbox-api') === 'clear' ? {kind: 'none'} : {
          kind: document.getElementById('sandbox-ctl-api-fault').value, times: isNaN(times) ? 1 : times,
          retry_after: 5, delay: 3
        };
        out.textContent = 'amoCRM API fault…';
        fetch('/sandbox/amocrm-api/faults', {method: 'POST', headers: {'Content-Type': 'application/json'},
          body: JSON.stringify(faultBody)}).then(function (r) { return r.json(); }).then(function (r) {
          out.textContent = 'amoCRM API fault: ' + (r.fault ? r.fault.kind : 'none');
          out.className = 'sandbox-controls__result sandbox-controls__result--ok';
        }, function (e) {
          out.textContent = 'amoCRM API fault: ' + describe(e).message;
          out.className = 'sandbox-controls__result sandbox-controls__result--error';
        });
        return;
      }
      var btn = ev.target.closest('[data-sandbox-control]');
      if (!btn) { return; }
      var action = btn.getAttribute('data-sandbox-control');
      var uid = cfg.user.id;
      var phone = document.getElementById('sandbox-ctl-phone').value;
      var body = {amouser_id: uid};
      if (action === 'incoming_call' || action === 'outgoing_call') {
        body.phone = phone;
      } else if (action === 'set_hold') {
        body.is_hold = !(lastCallInfo && lastCallInfo.is_hold);
      } else if (action === 'set_mute') {
        body.is_mute = !(lastCallInfo && lastCallInfo.is_mute);
      } else if (action === 'fault') {
        body = {kind: kind.value};
        var v = value.value;
        if (!value.disabled && v !== '') {
          body.value = /^-?\d+(\.\d+)?$/.test(v) && kind.value !== 'secret_key' && kind.value !== 'non_json' ?
            Number(v) : v;
        }
        var method = document.getElementById('sandbox-ctl-fault-method').value;
        if (method) { body.method = method; }
      } else if (action === 'clear_faults') {
        body = {};
      }
      out.textContent = action + '…';
      out.className = 'sandbox-controls__result';
      sb.control(action, body).then(function (r) {
        var ok = r.status === 200 && r.body && r.body.ok !== false;
        var detail = ok ? 'ok' : (r.body && r.body.error) || ('HTTP ' + r.status);
        if (ok && action === 'fault' && r.body.faults) { detail = r.body.faults.length + ' active fault(s)'; }
        out.textContent = action + ': ' + detail;
        out.className = 'sandbox-controls__result ' + (ok ? 'sandbox-controls__result--ok' :
          'sandbox-controls__result--error');
      }, function (e) {
        out.textContent = action + ': ' + describe(e).message;
        out.className = 'sandbox-controls__result sandbox-controls__result--error';
      });
    });
  }


  return {wire: wireControls};
});
