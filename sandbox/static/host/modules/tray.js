/* The notification tray and the header's status badge. */
define(['sandbox/core'], function (core) {
  'use strict';

  var el = core.el;

  function showStatus(status) {
    var badge = document.getElementById('sandbox-widget-status');
    badge.textContent = status;
    badge.setAttribute('data-status', status);
  }

  function addItem(type, header, body, extraClass) {
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

  function clear() {
    var list = document.getElementById('sandbox-tray');
    while (list.firstChild) { list.removeChild(list.firstChild); }
  }

  return {showStatus: showStatus, addItem: addItem, clear: clear};
});
