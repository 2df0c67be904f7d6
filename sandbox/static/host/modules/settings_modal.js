/*
 * The widget settings modal, with amoCRM's DOM class names (sandbox- classes only for looks):
 * callbacks.settings gets its .modal-body, Save runs callbacks.onSave and persists the fields.
 * Defines __sandbox.openSettings / closeSettings.
 */
define(['jquery', 'sandbox/core', 'sandbox/settings', 'sandbox/callbacks', 'sandbox/pages'],
  function ($, core, settings, callbacks, pages) {
    'use strict';

    var cfg = core.cfg;
    var sb = core.sb;
    var el = core.el;

    function child(parent, tag, className, text) {
      return parent.appendChild(el(tag, className, text));
    }

    function buildField(parent, field) {
      var item = child(parent, 'div', 'widget_settings_block__item_field sandbox-modal__field');
      child(item, 'div', 'widget_settings_block__title_field sandbox-modal__label', core.text('settings.' + field, field));
      var inputWrap = child(item, 'div', 'widget_settings_block__input_field');
      var input = child(inputWrap, 'input',
        'widget_settings_block__controls__text-input sandbox-input sandbox-input--wide');
      input.type = 'text';
      input.name = field;
      input.value = settings.current.values[field];
    }

    function build() {
      var params = settings.current.params;
      var modal = el('div', 'modal widget-settings__modal sandbox-modal ' + cfg.widgetCode);
      modal.setAttribute('role', 'dialog');
      var body = child(modal, 'div', 'modal-body sandbox-modal__body');
      var close = child(body, 'button', 'modal-body__close sandbox-modal__close', '×');
      close.type = 'button';
      close.setAttribute('aria-label', 'Close');
      var wrap = child(body, 'div', 'widget-settings sandbox-modal__wrap');
      var left = child(wrap, 'div', 'widget-settings__left sandbox-modal__left');
      var logo = pages.widgetLogo();
      if (logo) { left.appendChild(logo); }
      child(left, 'h2', 'widget-settings__name sandbox-modal__title', pages.widgetName());
      var shortKey = core.lookup(cfg.manifest, 'widget.short_description');
      if (typeof shortKey === 'string') {
        child(left, 'p', 'sandbox-modal__short', core.text(shortKey, shortKey));
      }
      child(left, 'div', 'sandbox-modal__meta', 'v' + cfg.widgetVersion + ' · ' + params.status);

      var block = child(left, 'div', 'widget_settings_block sandbox-modal__block');
      var fields = child(block, 'div', 'widget_settings_block__fields');
      fields.id = 'widget_settings__fields_wrapper';
      cfg.settingsFields.forEach(function (field) { buildField(fields, field); });
      var controls = child(block, 'div', 'widget_settings_block__controls sandbox-modal__controls');
      var save = child(controls, 'button', 'button-input js-widget-save sandbox-btn sandbox-btn--primary',
        params.status === 'install' ? 'Install' : 'Save');
      save.type = 'button';

      var right = child(wrap, 'div', 'widget-settings__wrap-desc-space sandbox-modal__right');
      child(right, 'div', 'widget-settings__desc-space');
      return $(modal);
    }

    function save($modal) {
      var fields = {};
      cfg.settingsFields.forEach(function (f) {
        fields[f] = String($modal.find('input[name="' + f + '"]').val());
      });
      var evt = {active: 'Y', fields: fields};
      var rec = {fields: core.plain(fields), saved: false};
      sb.saves.push(rec);
      var r = callbacks.invoke('onSave', [evt]);
      function commit() {
        // onSave may have rewritten evt.fields (amoCRM saves what is there afterwards).
        settings.save(evt.fields);
        rec.saved = true;
        rec.savedFields = core.plain(evt.fields);
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
          rec.rejection = core.describe(e).message;
        });
        return;
      }
      rec.result = r.value === undefined ? null : core.plain(r.value);
      commit();
    }

    sb.openSettings = function () {
      sb.closeSettings();
      var $modal = build();
      $('#sandbox-modal-root').append($modal);
      $modal.on('click', '.js-widget-save', function () { save($modal); });
      $modal.on('click', '.sandbox-modal__close', function () { sb.closeSettings(); });
      sb.settingsOpened += 1;
      callbacks.invoke('settings', [$modal.find('.modal-body').first()]);
      return true;
    };
    sb.closeSettings = function () { $('#sandbox-modal-root').empty(); };

    return {open: sb.openSettings, close: sb.closeSettings};
  });
