/*
 * The emulated amoCRM pages: a contact card, a contacts list and the integrations page. The
 * contacts come from the page config (the demo backend's phonebook), so a call to one of these
 * numbers shows a known name in the widget.
 */
define(['sandbox/core', 'sandbox/settings', 'sandbox/amocrm_global'], function (core, settings, APP) {
  'use strict';

  var cfg = core.cfg;
  var sb = core.sb;
  var el = core.el;
  var CONTACTS = cfg.contacts;
  // The card shows the first contact, with the extra phone formats a real card has.
  var CARD = CONTACTS[0] ? {
    id: CONTACTS[0].id, name: CONTACTS[0].name, position: 'Purchasing manager', company: CONTACTS[0].company,
    phones: [
      {label: 'Mobile', value: CONTACTS[0].phone},
      {label: 'Work', value: '+7 (495) 123-45-67'},
      {label: 'Other', value: '8 800 555-35-35'}
    ]
  } : null;

  function widgetName() {
    var key = core.lookup(cfg.manifest, 'widget.name');
    return (typeof key === 'string' && core.text(key, null)) || key || cfg.widgetCode;
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

  function phoneLink(value) {
    var a = el('a', 'sandbox-phone', value);
    a.href = '#';
    a.setAttribute('data-phone', value);
    a.title = 'Click to call (fires the widget\'s "phone" action)';
    return a;
  }

  function renderCardPage(root) {
    if (!CARD) {
      root.appendChild(el('p', 'sandbox-hint', 'The phonebook is empty: no contact to show.'));
      return;
    }
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
    // Notes and tasks the widget created through the emulated REST API (sandbox/amocrm_api.py).
    var entries = el('div', 'sandbox-feed__entries');
    entries.id = 'sandbox-feed-entries';
    feed.appendChild(entries);
    left.appendChild(feed);
    card.appendChild(left);
    // amoCRM's right-hand widget column; widgets that render a card block put it here.
    var side = el('aside', 'sandbox-card__widgets');
    side.id = 'widgets_block';
    side.appendChild(el('div', 'sandbox-card__widgets-title', 'Widgets'));
    card.appendChild(side);
    root.appendChild(card);
    refreshFeed();
  }

  function feedEntry(kind, item) {
    var text = kind === 'task'
      ? 'Task: ' + item.text + ' (due ' + new Date(item.complete_till * 1000).toLocaleString() + ')'
      : 'Note: ' + (item.params && item.params.text);
    var node = el('div', 'sandbox-feed__item sandbox-feed__item--' + kind, text);
    node.setAttribute('data-feed-id', item.id);
    return node;
  }

  /** Re-read the card contact's notes and tasks from the emulated API; resolves once rendered. */
  function refreshFeed() {
    var box = document.getElementById('sandbox-feed-entries');
    if (!box || !CARD) { return Promise.resolve(false); }
    box.setAttribute('data-feed-state', 'loading');
    return fetch('/sandbox/amocrm-api/state', {cache: 'no-store'}).then(function (res) {
      if (!res.ok) { throw new Error('amoCRM API state: HTTP ' + res.status); }
      return res.json();
    }).then(function (state) {
      var items = state.notes.filter(function (n) { return n.entity_id === CARD.id; })
        .map(function (n) { return {kind: 'note', item: n}; })
        .concat(state.tasks.filter(function (t) {
          return t.entity_type === 'contacts' && t.entity_id === CARD.id;
        }).map(function (t) { return {kind: 'task', item: t}; }));
      // One id counter for every entity: ids order the feed in time.
      items.sort(function (a, b) { return a.item.id - b.item.id; });
      while (box.firstChild) { box.removeChild(box.firstChild); }
      items.forEach(function (e) { box.appendChild(feedEntry(e.kind, e.item)); });
      box.setAttribute('data-feed-state', 'ready');
      return true;
    }, function (err) {
      box.setAttribute('data-feed-state', 'error');
      box.textContent = 'Feed unavailable: ' + err.message;
      return false;
    });
  }

  sb.refreshFeed = refreshFeed;

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
    tile.appendChild(el('div', 'sandbox-tile__meta', 'v' + cfg.widgetVersion + ' · ' + settings.current.params.status));
    tile.addEventListener('click', function () { sb.openSettings(); });
    root.appendChild(tile);
    root.appendChild(el('p', 'sandbox-hint', 'Click the widget to open its settings.'));
  }

  var RENDERERS = {card: renderCardPage, list: renderListPage, settings: renderSettingsPage};

  /** Switch the page content and amoCRM's page data to ``name`` (no widget callbacks). */
  function show(name) {
    var page = core.PAGES[name];
    sb.page = name;
    sb.area = page.area;
    var root = document.getElementById('sandbox-page');
    while (root.firstChild) { root.removeChild(root.firstChild); }
    root.setAttribute('data-page', name);
    RENDERERS[name](root);
    var navItems = document.querySelectorAll('[data-sandbox-page]');
    for (var i = 0; i < navItems.length; i++) {
      navItems[i].classList.toggle('sandbox-nav__item--active', navItems[i].getAttribute('data-sandbox-page') === name);
    }
    APP.data.current_card = name === 'card' && CARD ? {id: CARD.id, element_type: 1} : false;
    APP.data.is_card = name === 'card';
    APP.data.current_entity = page.entity;
    APP.widgets.system.area = page.area;
  }

  return {show: show, widgetName: widgetName, widgetLogo: widgetLogo, refreshFeed: refreshFeed};
});
