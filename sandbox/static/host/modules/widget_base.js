/*
 * The methods amoCRM puts on a widget's Ctor.prototype before `new Ctor()`: crm_post (through
 * the sandbox proxy, recorded in __sandbox.requests), i18n, settings, status, actions, system().
 */
define(['sandbox/core', 'sandbox/settings', 'sandbox/callbacks', 'sandbox/tray'],
  function (core, settings, callbacks, tray) {
    'use strict';

    var cfg = core.cfg;
    var sb = core.sb;
    var requestSeq = 0;

    /** The prototype methods for ``Ctor``; call after settings.load(). */
    function make($, Ctor) {
      var langs = cfg.i18n;
      var params = settings.current.params;
      return {
        langs: langs,
        params: params,
        ns: '.' + cfg.widgetCode,

        crm_post: function (url, data, success, type, error) {
          var rec = {id: ++requestSeq, url: url, data: core.plain(data), type: type || null, state: 'pending',
                     sent: performance.timeOrigin + performance.now()};
          sb.requests.push(rec);
          sb.pendingRequests += 1;
          function finish(state, textStatus, xhr) {
            rec.state = state;
            rec.textStatus = textStatus;
            rec.status = xhr ? xhr.status : null;
            // Before the widget's callback: a callback that checks "nothing pending" must see 0.
            sb.pendingRequests -= 1;
          }
          return $.ajax({
            type: 'POST',
            url: cfg.proxyPath + '?url=' + encodeURIComponent(url),
            data: data,
            dataType: type || 'text',
            success: function (body, textStatus, xhr) {
              finish('success', textStatus, xhr);
              callbacks.callWidget('crm_post success', success, [body, textStatus, xhr]);
            },
            error: function (xhr, textStatus, errorThrown) {
              finish('error', textStatus, xhr);
              rec.errorThrown = String(errorThrown);
              callbacks.callWidget('crm_post error', error, [xhr, textStatus, errorThrown]);
            }
          });
        },

        i18n: function (path) { return core.lookup(langs, path); },
        set_lang: function (obj) {
          langs = obj;
          Ctor.prototype.langs = obj;
        },
        get_settings: function () { return params; },
        set_settings: function (obj) {
          Object.keys(obj || {}).forEach(function (k) { params[k] = obj[k]; });
          return params;
        },
        get_version: function () { return cfg.widgetVersion; },
        get_install_status: function () { return params.status; },
        set_status: function (status) {
          sb.statuses.push(status);
          tray.showStatus(status);
        },
        add_action: function (type, handler) {
          sb.actions[type] = handler;
          sb.addActionCalls.push({type: type, page: sb.page});
          return true;
        },
        system: function () {
          return {
            area: sb.area,
            amouser_id: cfg.user.id,
            amouser: cfg.user.email,
            amohash: '',
            subdomain: 'sandbox',
            domain: window.location.host,
            server: window.location.host,
            displayed_count: 1
          };
        },
        list_selected: function () { return {count_selected: 0, selected: []}; },
        widgetsOverlay: function () { return true; }
      };
    }

    return {make: make};
  });
