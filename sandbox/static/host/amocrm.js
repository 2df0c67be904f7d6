/*
 * Sandbox host page: emulates the parts of amoCRM a widget touches.
 *
 * Loads the widget's script.js the way amoCRM does (RequireJS, widget methods put on
 * Ctor.prototype before `new Ctor()`, then render -> init + bind_actions), and records
 * everything a test wants to assert on in `window.__sandbox`:
 *
 *   config            the page config the server embedded (sandbox/host_page.py)
 *   state             'loading' | 'ready' | 'error' (mirrored in body[data-widget-state])
 *   lifecycle         [{name, page, area, returned, returnedType, threw}] one per callback call
 *   notifications     [{type, payload}] for every AMOCRM.notifications.* call
 *   errors            [{kind, message, stack}] uncaught errors, rejections, RequireJS and callback errors
 *   requests          [{id, url, data, type, state, textStatus, status}] every crm_post call
 *   pendingRequests   number of crm_post calls still waiting for an answer
 *   actions           {type: handler} registered with add_action; addActionCalls [{type, page}]
 *   phoneCalls        [{value, handled}] clicks on phone numbers
 *   statuses          [status] every set_status() value
 *   saves             [{fields, savedFields, saved, result}] every Save click in the settings modal
 *   settingsOpened    how many times callbacks.settings ran
 *   controlCalls      [{action, body, status, response}] control-strip calls to the demo backend
 *   navigate(page)    'card' | 'list' | 'settings': destroy, switch page, render (+ init, bind_actions)
 *   openSettings()    open the settings modal (calls callbacks.settings($modal_body))
 *   closeSettings()   close it (calls nothing, like amoCRM's close button)
 *   clickPhone(value) what a click on a phone number does
 *   storedSettings()  {field: value} as persisted in localStorage
 *   control(action, body) -> Promise: POST to the demo backend's control API (via the sandbox relay)
 *
 * Query string: navigation=render-only, settings=<raw string>, install_status=..., reset=1,
 * page=card|list|settings, controls=0 (hide the control strip); locale=ru|en is read by the server.
 */
/* global requirejs, require */
(function () {
  'use strict';

  var cfg = JSON.parse(document.getElementById('sandbox-config').textContent);
  var query = new URLSearchParams(window.location.search);

  var PAGES = {
    card: {area: 'ccard', entity: 'contacts', title: 'Contact card'},
    list: {area: 'clist', entity: 'contacts', title: 'Contacts list'},
    settings: {area: 'settings', entity: 'settings', title: 'Settings'}
  };

  // The first contacts of the demo backend's phonebook, so a call to one of these numbers
  // shows a known name in the widget.
  var CONTACTS = [
    {id: 10001, name: 'Александр Иванов', phone: '+79161000003', company: 'Ромашка'},
    {id: 10002, name: 'James Smith', phone: '+14151007922', company: 'Acme Corp'},
    {id: 10003, name: 'Анна Иванова', phone: '+74951015841', company: 'Ромашка'},
    {id: 10004, name: 'Mary Johnson', phone: '+12121023760', company: 'Globex'},
    {id: 10005, name: 'Алексей Смирнов', phone: '+79031031679', company: 'Вектор'},
    {id: 10006, name: 'John Williams', phone: '+44201039598', company: 'Initech'},
    {id: 10007, name: 'Елена Смирнова', phone: '+79161047517', company: 'Вектор'},
    {id: 10008, name: 'Patricia Brown', phone: '+14151055436', company: 'Umbrella'},
    {id: 10009, name: 'Андрей Кузнецов', phone: '+74951063355', company: 'Север'},
    {id: 10010, name: 'Robert Jones', phone: '+12121071274', company: 'Hooli'}
  ];
  var CARD = {
    id: 10001, name: 'Александр Иванов', position: 'Purchasing manager', company: 'Ромашка',
    phones: [
      {label: 'Mobile', value: '+79161000003'},
      {label: 'Work', value: '+7 (495) 123-45-67'},
      {label: 'Other', value: '8 800 555-35-35'}
    ]
  };
  var INSTALL_STATUSES = ['installed', 'not_configured', 'install'];

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

  // ---------------------------------------------------------------------------------------
  // Errors: everything uncaught is recorded; callback errors are recorded and rethrown later
  // so Playwright's `pageerror` (and a person's console) still see them.

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
  requirejs.config({paths: {jquery: '/vendor/jquery.min'}, waitSeconds: 10});

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

  // ---------------------------------------------------------------------------------------
  // Small helpers

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

  // ---------------------------------------------------------------------------------------
  // Settings storage (localStorage, per widget version, like amoCRM keeps them per install)

  var STORE_KEY = 'sandbox:settings:' + cfg.widgetCode + ':' + cfg.widgetVersion;

  function readStore() {
    try {
      var raw = window.localStorage.getItem(STORE_KEY);
      var parsed = raw ? JSON.parse(raw) : null;
      return parsed && typeof parsed === 'object' ? parsed : null;
    } catch (e) {
      return null;
    }
  }

  function writeStore(values) {
    window.localStorage.setItem(STORE_KEY, JSON.stringify(values));
  }

  function initialSettings() {
    if (query.get('reset') === '1') {
      window.localStorage.removeItem(STORE_KEY);
    }
    var values = readStore() || {};
    var field = cfg.settingsField;
    if (query.has('settings')) {
      // Stored as is, broken JSON included: tests feed the widget bad settings this way.
      values[field] = query.get('settings');
      writeStore(values);
    } else if (!Object.prototype.hasOwnProperty.call(values, field)) {
      values[field] = cfg.defaultSettings;
    }
    cfg.settingsFields.forEach(function (f) {
      if (!Object.prototype.hasOwnProperty.call(values, f)) { values[f] = ''; }
    });
    return values;
  }

  sb.storedSettings = function () { return readStore(); };

  // ---------------------------------------------------------------------------------------
  // Page chrome: header, pages, tray, badge

  function showStatus(status) {
    var badge = document.getElementById('sandbox-widget-status');
    badge.textContent = status;
    badge.setAttribute('data-status', status);
  }

  function addTrayItem(type, header, body, extraClass) {
    var list = document.getElementById('sandbox-tray');
    var item = el('li', 'sandbox-tray__item ' + (extraClass || ''));
    item.setAttribute('data-type', type);
    var head = el('div', 'sandbox-tray__meta');
    head.appendChild(el('span', 'sandbox-tray__type', type));
    head.appendChild(el('time', 'sandbox-tray__time', new Date().toLocaleTimeString()));
    item.appendChild(head);
    // amoCRM renders notification texts as HTML (widgets put links and markup in them), so
    // the tray does too: a widget that passes server data unescaped is caught here, not in production.
    if (header) { var h = el('div', 'sandbox-tray__header'); h.innerHTML = String(header); item.appendChild(h); }
    if (body) { var b = el('div', 'sandbox-tray__text'); b.innerHTML = String(body); item.appendChild(b); }
    list.insertBefore(item, list.firstChild);
  }

  function phoneLink(value) {
    var a = el('a', 'sandbox-phone', value);
    a.href = '#';
    a.setAttribute('data-phone', value);
    a.title = 'Click to call (fires the widget\'s "phone" action)';
    return a;
  }

  function renderCardPage(root) {
    var card = el('div', 'sandbox-card');
    var left = el('section', 'sandbox-card__main');
    var head = el('div', 'sandbox-card__head');
    head.appendChild(el('div', 'sandbox-avatar', CARD.name.charAt(0)));
    var names = el('div');
    names.appendChild(el('h1', 'sandbox-card__name', CARD.name));
    names.appendChild(el('div', 'sandbox-card__sub', CARD.position + ' · ' + CARD.company));
    head.appendChild(names);
    left.appendChild(head);
    var fields = el('dl', 'sandbox-fields');
    CARD.phones.forEach(function (p) {
      fields.appendChild(el('dt', 'sandbox-fields__label', p.label + ' phone'));
      var dd = el('dd', 'sandbox-fields__value');
      dd.appendChild(phoneLink(p.value));
      fields.appendChild(dd);
    });
    fields.appendChild(el('dt', 'sandbox-fields__label', 'Email'));
    fields.appendChild(el('dd', 'sandbox-fields__value', 'a.ivanov@example.com'));
    fields.appendChild(el('dt', 'sandbox-fields__label', 'Responsible'));
    fields.appendChild(el('dd', 'sandbox-fields__value', cfg.user.name));
    left.appendChild(fields);
    var feed = el('div', 'sandbox-feed');
    feed.appendChild(el('div', 'sandbox-feed__title', 'Feed'));
    feed.appendChild(el('div', 'sandbox-feed__item', 'Contact created by ' + cfg.user.name));
    left.appendChild(feed);
    card.appendChild(left);
    // amoCRM's right-hand widget column; widgets that render a card block put it here.
    var side = el('aside', 'sandbox-card__widgets');
    side.id = 'widgets_block';
    side.appendChild(el('div', 'sandbox-card__widgets-title', 'Widgets'));
    card.appendChild(side);
    root.appendChild(card);
  }

  function renderListPage(root) {
    root.appendChild(el('h1', 'sandbox-page-title', 'Contacts'));
    var table = el('table', 'sandbox-table');
    var thead = el('thead');
    var hr = el('tr');
    ['Name', 'Company', 'Phone'].forEach(function (h) { hr.appendChild(el('th', null, h)); });
    thead.appendChild(hr);
    table.appendChild(thead);
    var tbody = el('tbody');
    CONTACTS.forEach(function (c) {
      var tr = el('tr');
      tr.setAttribute('data-contact-id', c.id);
      tr.appendChild(el('td', 'sandbox-table__name', c.name));
      tr.appendChild(el('td', null, c.company));
      var td = el('td');
      td.appendChild(phoneLink(c.phone));
      tr.appendChild(td);
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    root.appendChild(table);
  }

  function renderSettingsPage(root) {
    root.appendChild(el('h1', 'sandbox-page-title', 'Settings · Integrations'));
    var tile = el('button', 'sandbox-tile');
    tile.type = 'button';
    tile.id = 'sandbox-open-settings';
    var logo = widgetLogo();
    if (logo) { tile.appendChild(logo); }
    tile.appendChild(el('div', 'sandbox-tile__name', widgetName()));
    tile.appendChild(el('div', 'sandbox-tile__meta', 'v' + cfg.widgetVersion + ' · ' + params.status));
    tile.addEventListener('click', function () { sb.openSettings(); });
    root.appendChild(tile);
    root.appendChild(el('p', 'sandbox-hint', 'Click the widget to open its settings.'));
  }

  function showPage(name) {
    var page = PAGES[name];
    sb.page = name;
    sb.area = page.area;
    var root = document.getElementById('sandbox-page');
    root.innerHTML = '';
    root.setAttribute('data-page', name);
    if (name === 'card') { renderCardPage(root); } else if (name === 'list') { renderListPage(root); } else {
      renderSettingsPage(root);
    }
    var navItems = document.querySelectorAll('[data-sandbox-page]');
    for (var i = 0; i < navItems.length; i++) {
      navItems[i].classList.toggle('sandbox-nav__item--active', navItems[i].getAttribute('data-sandbox-page') === name);
    }
    AMOCRM.data.current_card = name === 'card' ? {id: CARD.id, element_type: 1} : false;
    AMOCRM.data.is_card = name === 'card';
    AMOCRM.data.current_entity = page.entity;
    AMOCRM.widgets.system.area = page.area;
  }

  function widgetName() {
    var key = lookup(cfg.manifest, 'widget.name');
    return (typeof key === 'string' && text(key, null)) || key || cfg.widgetCode;
  }

  function widgetLogo() {
    var images = cfg.images || [];
    var pick = ['logo_medium.png', 'logo.png', 'logo_main.png', 'logo_small.png', 'logo_min.png'].filter(
      function (n) { return images.indexOf(n) >= 0; })[0];
    if (!pick) { return null; }
    var img = el('img', 'sandbox-logo');
    img.src = cfg.widgetPath + '/images/' + pick;
    img.alt = '';
    return img;
  }

  // ---------------------------------------------------------------------------------------
  // Global AMOCRM / APP

  function notify(type, payload, header, body, cls) {
    sb.notifications.push({type: type, payload: plain(payload)});
    addTrayItem(type, header, body, cls);
  }

  var AMOCRM = window.AMOCRM = window.APP = {
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
    getBaseEntity: function () { return PAGES[sb.page].entity; },
    getWidgetsArea: function () { return sb.area; }
  };

  // ---------------------------------------------------------------------------------------
  // Widget methods (put on Ctor.prototype before `new Ctor()`)

  var params;       // get_settings() / widget.params: one object, like amoCRM's
  var settingsValues;
  var requestSeq = 0;

  function makeParams() {
    var status = query.get('install_status') || 'installed';
    if (INSTALL_STATUSES.indexOf(status) < 0) {
      console.warn('sandbox: unknown install_status ' + status + ', expected one of ' + INSTALL_STATUSES);
    }
    var p = {
      widget_code: cfg.widgetCode,
      path: cfg.widgetPath,
      images_path: cfg.widgetPath + '/images',
      version: cfg.widgetVersion,
      status: status,
      active: 'Y',
      widget_active: 'Y',
      id: 1
    };
    Object.keys(settingsValues).forEach(function (k) { p[k] = settingsValues[k]; });
    return p;
  }

  function makeWidgetBase($, Ctor) {
    var langs = cfg.i18n;
    return {
      langs: langs,
      params: params,
      ns: '.' + cfg.widgetCode,

      crm_post: function (url, data, success, type, error) {
        var rec = {id: ++requestSeq, url: url, data: plain(data), type: type || null, state: 'pending'};
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
            callWidget('crm_post success', success, [body, textStatus, xhr]);
          },
          error: function (xhr, textStatus, errorThrown) {
            finish('error', textStatus, xhr);
            rec.errorThrown = String(errorThrown);
            callWidget('crm_post error', error, [xhr, textStatus, errorThrown]);
          }
        });
      },

      i18n: function (path) { return lookup(langs, path); },
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
        showStatus(status);
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

  function callWidget(what, fn, args) {
    if (typeof fn !== 'function') { return undefined; }
    try {
      return fn.apply(sb.widget, args);
    } catch (e) {
      recordError(what, e);
      rethrowLater(e);
      return undefined;
    }
  }

  // ---------------------------------------------------------------------------------------
  // Lifecycle

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
      entry.threw = describe(e).message;
      recordError('callback:' + name, e);
      rethrowLater(e);
      return {entry: entry, value: undefined, threw: true};
    }
  }

  function runLifecycle(full) {
    var r = invoke('render');
    if (r.value !== false && full) {
      invoke('init');
      invoke('bind_actions');
    }
  }

  sb.navigate = function (name) {
    if (!PAGES[name]) { throw new Error('sandbox: unknown page ' + name + ' (card, list, settings)'); }
    sb.closeSettings();
    if (sb.widget) { invoke('destroy'); }
    showPage(name);
    if (sb.widget) { runLifecycle(sb.navigationMode !== 'render-only'); }
  };

  sb.clickPhone = function (value) {
    var handler = sb.actions.phone;
    sb.phoneCalls.push({value: value, handled: typeof handler === 'function'});
    if (typeof handler !== 'function') {
      console.warn('sandbox: no "phone" action registered; click on ' + value + ' ignored');
      return;
    }
    callWidget('phone action', handler, [{value: value}]);
  };

  // ---------------------------------------------------------------------------------------
  // Settings modal (amoCRM's DOM class names; sandbox- classes only for looks)

  function buildModal($) {
    var $modal = $('<div class="modal widget-settings__modal sandbox-modal" role="dialog"></div>');
    $modal.addClass(cfg.widgetCode);
    var $body = $('<div class="modal-body sandbox-modal__body"></div>').appendTo($modal);
    $('<button type="button" class="modal-body__close sandbox-modal__close" aria-label="Close">×</button>')
      .appendTo($body);
    var $wrap = $('<div class="widget-settings sandbox-modal__wrap"></div>').appendTo($body);
    var $left = $('<div class="widget-settings__left sandbox-modal__left"></div>').appendTo($wrap);
    var logo = widgetLogo();
    if (logo) { $left.append(logo); }
    $('<h2 class="widget-settings__name sandbox-modal__title"></h2>').text(widgetName()).appendTo($left);
    var shortKey = lookup(cfg.manifest, 'widget.short_description');
    if (typeof shortKey === 'string') {
      $('<p class="sandbox-modal__short"></p>').text(text(shortKey, shortKey)).appendTo($left);
    }
    $('<div class="sandbox-modal__meta"></div>')
      .text('v' + cfg.widgetVersion + ' · ' + params.status).appendTo($left);

    var $block = $('<div class="widget_settings_block sandbox-modal__block"></div>').appendTo($left);
    var $fields = $('<div class="widget_settings_block__fields" id="widget_settings__fields_wrapper"></div>')
      .appendTo($block);
    cfg.settingsFields.forEach(function (field) {
      var $item = $('<div class="widget_settings_block__item_field sandbox-modal__field"></div>').appendTo($fields);
      var label = text('settings.' + field, field);
      $('<div class="widget_settings_block__title_field sandbox-modal__label"></div>').text(label).appendTo($item);
      var $inputWrap = $('<div class="widget_settings_block__input_field"></div>').appendTo($item);
      $('<input type="text" class="widget_settings_block__controls__text-input sandbox-input sandbox-input--wide">')
        .attr('name', field).val(settingsValues[field]).appendTo($inputWrap);
    });
    var $controls = $('<div class="widget_settings_block__controls sandbox-modal__controls"></div>').appendTo($block);
    $('<button type="button" class="button-input js-widget-save sandbox-btn sandbox-btn--primary"></button>')
      .text(params.status === 'install' ? 'Install' : 'Save').appendTo($controls);

    var $right = $('<div class="widget-settings__wrap-desc-space sandbox-modal__right"></div>').appendTo($wrap);
    $('<div class="widget-settings__desc-space"></div>').appendTo($right);
    return $modal;
  }

  function saveSettings($, $modal) {
    var fields = {};
    cfg.settingsFields.forEach(function (f) {
      fields[f] = String($modal.find('input[name="' + f + '"]').val());
    });
    var evt = {active: 'Y', fields: fields};
    var rec = {fields: plain(fields), saved: false};
    sb.saves.push(rec);
    var r = invoke('onSave', [evt]);
    function commit() {
      // onSave may have rewritten evt.fields (amoCRM saves what is there afterwards).
      Object.keys(evt.fields).forEach(function (k) {
        settingsValues[k] = evt.fields[k];
        params[k] = evt.fields[k];
      });
      writeStore(settingsValues);
      if (params.status !== 'installed') { params.status = 'installed'; }
      rec.saved = true;
      rec.savedFields = plain(evt.fields);
      if ($modal.attr('data-onsave-destroy-modal') !== 'false') { sb.closeSettings(); }
    }
    if (r.threw) {
      rec.result = 'threw';
      return;
    }
    if (r.value === false) {
      rec.result = false;
      return;
    }
    if (r.value && typeof r.value.then === 'function') {
      rec.result = 'promise';
      r.value.then(function (v) {
        if (v === false) { rec.result = 'resolved false'; } else { commit(); }
      }, function (e) {
        rec.result = 'rejected';
        rec.rejection = describe(e).message;
      });
      return;
    }
    rec.result = r.value === undefined ? null : plain(r.value);
    commit();
  }

  // ---------------------------------------------------------------------------------------
  // Control strip: drives the demo backend's control API through the sandbox's relay

  var lastCallInfo = null;

  sb.control = function (action, body) {
    var rec = {action: action, body: plain(body || {}), status: null, response: null};
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

  // ---------------------------------------------------------------------------------------
  // Boot

  function startWidget($, Ctor) {
    if (typeof Ctor !== 'function') {
      recordError('load', new Error('script.js did not define a constructor (got ' + typeof Ctor + ')'));
      setState('error', 'script.js did not define a widget constructor (got ' + typeof Ctor + ')');
      return;
    }
    $.extend(Ctor.prototype, makeWidgetBase($, Ctor));
    var widget;
    try {
      widget = new Ctor();
    } catch (e) {
      recordError('constructor', e);
      setState('error', 'The widget constructor threw: ' + describe(e).message);
      rethrowLater(e);
      return;
    }
    if (!widget || typeof widget.callbacks !== 'object' || widget.callbacks === null) {
      recordError('load', new Error('the widget object has no callbacks'));
      setState('error', 'The widget object has no callbacks object');
      return;
    }
    sb.widget = widget;
    runLifecycle(true);
    setState('ready');
  }

  function boot() {
    document.getElementById('sandbox-user').textContent = cfg.user.name + ' · ' + cfg.user.email;
    if (cfg.archiveError) {
      document.getElementById('sandbox-page').appendChild(el('pre', 'sandbox-fatal', cfg.archiveError));
      setState('error', 'The widget archive cannot be used: ' + cfg.archiveError);
      return;
    }
    settingsValues = initialSettings();
    params = makeParams();
    showStatus(params.status);
    document.getElementById('sandbox-widget-version').textContent = 'v' + cfg.widgetVersion;
    var footer = document.getElementById('sandbox-footer');
    footer.textContent = 'backend ' + cfg.backendUrl + ' · locale ' + cfg.locale + ' · navigation ' +
      sb.navigationMode;
    wireControls();
    document.getElementById('sandbox-tray-clear').addEventListener('click', function () {
      document.getElementById('sandbox-tray').innerHTML = '';
    });

    require(['jquery'], function ($) {
      sb.openSettings = function () {
        sb.closeSettings();
        var $modal = buildModal($);
        $('#sandbox-modal-root').append($modal);
        $modal.on('click', '.js-widget-save', function () { saveSettings($, $modal); });
        $modal.on('click', '.sandbox-modal__close', function () { sb.closeSettings(); });
        sb.settingsOpened += 1;
        invoke('settings', [$modal.find('.modal-body').first()]);
        return true;
      };
      sb.closeSettings = function () { $('#sandbox-modal-root').empty(); };

      $(document).on('click', '[data-sandbox-page]', function () {
        sb.navigate(this.getAttribute('data-sandbox-page'));
      });
      $(document).on('click', '.sandbox-phone', function (ev) {
        ev.preventDefault();
        sb.clickPhone(this.getAttribute('data-phone'));
      });

      var first = PAGES[query.get('page')] ? query.get('page') : 'card';
      showPage(first);
      // Tests hook in here to snapshot the page (globals, built-ins) just before the widget loads.
      if (typeof window.__sandboxBeforeWidget === 'function') { window.__sandboxBeforeWidget(); }
      require([cfg.scriptUrl], function (Ctor) { startWidget($, Ctor); });
    });
  }

  sb.openSettings = function () { throw new Error('sandbox: not booted yet'); };
  sb.closeSettings = function () {};

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', boot);
  } else {
    boot();
  }
}());
