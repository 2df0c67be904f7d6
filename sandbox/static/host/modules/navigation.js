/* Moving between pages and clicking phone numbers: __sandbox.navigate and __sandbox.clickPhone. */
define(['sandbox/core', 'sandbox/callbacks', 'sandbox/pages', 'sandbox/settings_modal'],
  function (core, callbacks, pages, modal) {
    'use strict';

    var sb = core.sb;

    sb.navigate = function (name) {
      if (!core.PAGES[name]) { throw new Error('sandbox: unknown page ' + name + ' (card, list, settings)'); }
      modal.close();
      if (sb.widget) { callbacks.invoke('destroy'); }
      pages.show(name);
      if (sb.widget) { callbacks.runLifecycle(sb.navigationMode !== 'render-only'); }
    };

    sb.clickPhone = function (value) {
      var handler = sb.actions.phone;
      sb.phoneCalls.push({value: value, handled: typeof handler === 'function'});
      if (typeof handler !== 'function') {
        console.warn('sandbox: no "phone" action registered; click on ' + value + ' ignored');
        return;
      }
      callbacks.callWidget('phone action', handler, [{value: value}]);
    };

    return {navigate: sb.navigate, clickPhone: sb.clickPhone};
  });
