/* The global APP object (amoCRM also names it AMOCRM, its deprecated twin; Kommo has only APP):
 * notifications, constants and page data a widget reads. */
define(['sandbox/core', 'sandbox/tray'], function (core, tray) {
  'use strict';

  var cfg = core.cfg;
  var sb = core.sb;

  function notify(type, payload, header, body, cls) {
    sb.notifications.push({type: type, payload: core.plain(payload)});
    tray.addItem(type, header, body, cls);
  }

  var app = window.APP = {
    lang_id: cfg.locale,
    notifications: {
      show_message: function (p) {
        p = p || {};
        notify('show_message', p, p.header, p.text, 'sandbox-tray__item--info');
      },
      show_message_error: function (p) {
        p = p || {};
        notify('show_message_error', p, p.header, p.text, 'sandbox-tray__item--error');
      },
      show_notification: function (p) {
        p = p || {};
        var t = p.text || {};
        notify('show_notification', p, t.header, t.text,
          p.type === 'error' ? 'sandbox-tray__item--error' : 'sandbox-tray__item--call');
      },
      add_error: function (p) {
        p = p || {};
        notify('add_error', p, p.header || 'Error', p.text, 'sandbox-tray__item--error');
      },
      add_call: function (p) {
        p = p || {};
        var who = [p.from, p.to].filter(Boolean).join(' → ');
        notify('add_call', p, p.header || (who ? 'Call ' + who : 'Call'), p.text, 'sandbox-tray__item--call');
      }
    },
    constant: function (name) {
      if (name === 'user') {
        return {id: cfg.user.id, login: cfg.user.login, name: cfg.user.name};
      }
      if (name === 'account') {
        return {id: 31415926, subdomain: 'sandbox', name: 'Sandbox account', language: cfg.locale};
      }
      return undefined;
    },
    data: {current_card: false, is_card: false, current_entity: null},
    widgets: {system: {area: null}},
    isCard: function () { return sb.page === 'card'; },
    getBaseEntity: function () { return core.PAGES[sb.page].entity; },
    getWidgetsArea: function () { return sb.area; }
  };
  if (cfg.platform === 'kommo') {
    // Kommo has no AMOCRM global. A getter that answers undefined, as a missing global would,
    // records every read so a test can prove that nothing reaches for it.
    sb.amocrmReads = 0;
    Object.defineProperty(window, 'AMOCRM', {
      configurable: true,
      get: function () { sb.amocrmReads += 1; return undefined; }
    });
  } else {
    window.AMOCRM = app;
  }
  return app;
});
