// AsteriskNG live loader (development only; `python build.py loader`). amoCRM loads this small
// module from the uploaded archive; it loads the real script.js from the developer's
// `python build.py serve` at every page load and hands amoCRM's calls on to that widget.
define(['require'], function (require) {
    'use strict';
    var DEV_URL = __DEV_URL__;
    var SCRIPT_URL = DEV_URL + '/widget/script.js';
    // The callbacks amoCRM may call before the real widget has arrived: queued, then replayed.
    var EARLY_CALLBACKS = ['render', 'init', 'bind_actions', 'settings', 'onSave', 'destroy'];
    var reported = false;  // one notification per page load, however many widget objects

    function escapeHtml(text) {
        return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
            .replace(/"/g, '&quot;').replace(/'/g, '&#39;');
    }

    function text(widget, key, fallback) {
        try {
            var found = widget.i18n('loader.' + key);
            return typeof found === 'string' && found ? found : fallback;
        } catch (e) {
            return fallback;
        }
    }

    function reportUnreachable(widget) {
        if (reported) { return; }
        reported = true;
        try {
            var app = typeof APP !== 'undefined' ? APP : typeof AMOCRM !== 'undefined' ? AMOCRM : null;
            if (!app || !app.notifications) { return; }
            var header = text(widget, 'unreachable_header', 'AsteriskNG (development): the widget did not load');
            var body = text(widget, 'unreachable_text', 'Could not load {url}.').split('{url}').join(SCRIPT_URL);
            app.notifications.show_message_error({header: escapeHtml(header), text: escapeHtml(body)});
        } catch (e) {
            // Nothing may throw into amoCRM's page, not even a failed notification.
        }
    }

    function Widget() {
        var self = this;
        var pending = [];
        var stand_in = {};
        EARLY_CALLBACKS.forEach(function (name) {
            stand_in[name] = function () {
                pending.push([name, Array.prototype.slice.call(arguments)]);
                return true;
            };
        });
        self.callbacks = stand_in;
        // A new query every time: a reload always gets the latest build, never a cached one.
        var url = SCRIPT_URL + '?asng-reload=' + Date.now();
        try {
            require([url], function (RealWidget) {
                try {
                    // The real widget loads its other files (postcall.js) from params.path: from
                    // serve too, not from this archive.
                    var getSettings = self.get_settings;
                    self.get_settings = function () {
                        var settings = getSettings.apply(self, arguments);
                        var copy = {};
                        Object.keys(settings || {}).forEach(function (key) { copy[key] = settings[key]; });
                        copy.path = DEV_URL + '/widget';
                        return copy;
                    };
                    RealWidget.call(self);  // sets self.callbacks to the real widget's
                    pending.forEach(function (call) {
                        var callback = self.callbacks[call[0]];
                        if (typeof callback === 'function') { callback.apply(self.callbacks, call[1]); }
                    });
                } catch (e) {
                    if (typeof console !== 'undefined') { console.warn('AsteriskNG loader:', e); }
                }
                pending = [];
            }, function () {
                // Not reachable: serve is not running, or the browser did not allow this site to
                // reach the local network. The stand-in callbacks go on answering true.
                pending = [];
                try { require.undef(url); } catch (e) { /* already gone */ }
                reportUnreachable(self);
            });
        } catch (e) {
            reportUnreachable(self);
        }
        return this;
    }

    return Widget;
});
