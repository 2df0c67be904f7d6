/*
 * The widget's settings: persisted in localStorage per widget version (amoCRM keeps them per
 * install), and `params`, the one object get_settings() / widget.params return.
 */
define(['sandbox/core'], function (core) {
  'use strict';

  var cfg = core.cfg;
  var query = core.query;
  var STORE_KEY = 'sandbox:settings:' + cfg.widgetCode + ':' + cfg.widgetVersion;
  var INSTALL_STATUSES = ['installed', 'not_configured', 'install'];
  var current = {values: null, params: null};

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

  function initialValues() {
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

  function makeParams(values) {
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
    Object.keys(values).forEach(function (k) { p[k] = values[k]; });
    return p;
  }

  /** Read the stored settings (applying ?reset and ?settings) and build params. */
  function load() {
    current.values = initialValues();
    current.params = makeParams(current.values);
    return current;
  }

  /** Persist saved fields: into the store and into params, as amoCRM does after a Save. */
  function save(fields) {
    Object.keys(fields).forEach(function (k) {
      current.values[k] = fields[k];
      current.params[k] = fields[k];
    });
    writeStore(current.values);
    if (current.params.status !== 'installed') { current.params.status = 'installed'; }
  }

  core.sb.storedSettings = function () { return readStore(); };

  return {current: current, load: load, save: save};
});
