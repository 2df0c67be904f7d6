/* Boots the host page: header and footer, the first page, then the widget's script.js. */
define(['jquery', 'sandbox/core', 'sandbox/settings', 'sandbox/callbacks', 'sandbox/tray', 'sandbox/pages',
  'sandbox/widget_base', 'sandbox/controls', 'sandbox/navigation'],
function ($, core, settings, callbacks, tray, pages, widgetBase, controls) {
  'use strict';

  var cfg = core.cfg;
  var sb = core.sb;
  var query = core.query;

  function startWidget(Ctor) {
    if (typeof Ctor !== 'function') {
      core.recordError('load', new Error('script.js did not define a constructor (got ' + typeof Ctor + ')'));
      core.setState('error', 'script.js did not define a widget constructor (got ' + typeof Ctor + ')');
      return;
    }
    $.extend(Ctor.prototype, widgetBase.make($, Ctor));
    var widget;
    try {
      widget = new Ctor();
    } catch (e) {
      core.recordError('constructor', e);
      core.setState('error', 'The widget constructor threw: ' + core.describe(e).message);
      core.rethrowLater(e);
      return;
    }
    if (!widget || typeof widget.callbacks !== 'object' || widget.callbacks === null) {
      core.recordError('load', new Error('the widget object has no callbacks'));
      core.setState('error', 'The widget object has no callbacks object');
      return;
    }
    sb.widget = widget;
    callbacks.runLifecycle(true);
    core.setState('ready');
  }

  function boot() {
    document.getElementById('sandbox-user').textContent = cfg.user.name + ' · ' + cfg.user.email;
    if (cfg.archiveError) {
      document.getElementById('sandbox-page').appendChild(core.el('pre', 'sandbox-fatal', cfg.archiveError));
      core.setState('error', 'The widget archive cannot be used: ' + cfg.archiveError);
      return;
    }
    var params = settings.load().params;
    tray.showStatus(params.status);
    document.getElementById('sandbox-widget-version').textContent = 'v' + cfg.widgetVersion;
    document.getElementById('sandbox-footer').textContent = 'backend ' + cfg.backendUrl + ' · locale ' +
      cfg.locale + ' · platform ' + cfg.platform + ' · navigation ' + sb.navigationMode;
    controls.wire();
    document.getElementById('sandbox-tray-clear').addEventListener('click', tray.clear);
    $(document).on('click', '[data-sandbox-page]', function () {
      sb.navigate(this.getAttribute('data-sandbox-page'));
    });
    $(document).on('click', '.sandbox-phone', function (ev) {
      ev.preventDefault();
      sb.clickPhone(this.getAttribute('data-phone'));
    });

    pages.show(core.PAGES[query.get('page')] ? query.get('page') : 'card');
    // Tests hook in here to snapshot the page (globals, built-ins) just before the widget loads.
    if (typeof window.__sandboxBeforeWidget === 'function') { window.__sandboxBeforeWidget(); }
    require([cfg.scriptUrl], startWidget);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', boot);
  } else {
    boot();
  }
});
