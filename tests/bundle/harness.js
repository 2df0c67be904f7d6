// A fake amoCRM around the real script.js, for an embedded JavaScript engine.
// Virtual timers (advanced by the test), a widget prototype whose crm_post records
// requests and lets the test answer them, and a global APP recording notifications.
var harness = (function () {
    var now = 1700000000000;
    var nextId = 1;
    var timers = {};
    var log = {requests: [], statuses: [], actions: {}, notifications: [], debug: [], errors: []};
    var config = {settings: {}, installStatus: 'installed', i18n: {}, user: {amouser: 'agent@example.com', amouser_id: '7461242'}, version: '1.0.0'};

    globalThis.Date.now = function () { return now; };
    globalThis.setTimeout = function (fn, ms) {
        var id = nextId++;
        timers [id] = {id: id, fn: fn, at: now + (ms || 0), every: 0};
        return id;
    };
    globalThis.setInterval = function (fn, ms) {
        var id = nextId++;
        timers [id] = {id: id, fn: fn, at: now + ms, every: ms};
        return id;
    };
    globalThis.clearTimeout = globalThis.clearInterval = function (id) { delete timers [id]; };
    // A browser console shows any object; String() may throw on a Python object.
    function show (x) { try { return String (x); } catch (e) { return '<' + typeof x + '>'; } }
    function line (level, args) { return [level].concat ([].slice.call (args).map (show)); }
    globalThis.console = {
        log: function () { log.debug.push (line ('log', arguments)); },
        debug: function () { log.debug.push (line ('debug', arguments)); },
        warn: function () { log.debug.push (line ('warn', arguments)); },
        error: function () { log.errors.push (line ('error', arguments).slice (1).join (' ')); }
    };
    globalThis.APP = {notifications: {
        show_message_error: function (m) { log.notifications.push ({type: 'error', header: m.header, text: m.text, at: now}); },
        show_message: function (m) { log.notifications.push ({type: 'message', header: m.header, text: m.text, at: now}); }
    }};

    var Ctor = null;
    globalThis.define = function (deps, factory) {
        if (JSON.stringify (deps) !== '["jquery"]') { throw new Error ('unexpected AMD deps ' + JSON.stringify (deps)); }
        Ctor = factory ({fakeJQuery: true});
    };

    function lookup (tree, path) {
        var node = tree;
        var parts = path.split ('.');
        for (var i = 0; i < parts.length; i++) {
            if (node === null || typeof node !== 'object' || !(parts [i] in node)) { return false; }
            node = node [parts [i]];
        }
        return node;
    }

    function installPrototype () {
        var p = Ctor.prototype;
        p.crm_post = function (url, data, success, type, error) {
            log.requests.push ({url: url, data: data, type: type, success: success, error: error, answered: false, at: now});
        };
        p.i18n = function (key) { return lookup (config.i18n, key); };
        p.system = function () { return {area: 'ccard', amouser: config.user.amouser, amouser_id: config.user.amouser_id, subdomain: 'test'}; };
        p.get_settings = function () { return config.settings; };
        p.get_version = function () { return config.version; };
        p.get_install_status = function () { return config.installStatus; };
        p.set_status = function (s) { log.statuses.push (s); };
        p.add_action = function (kind, handler) { (log.actions [kind] = log.actions [kind] || []).push (handler); };
    }

    // Runs the earliest timer due by `until` and returns true, or moves the clock to `until`.
    // One timer per call: the Python side drains promise jobs in between, as a browser would.
    function step (until) {
        var due = null;
        Object.keys (timers).forEach (function (k) {
            var t = timers [k];
            if (t.at <= until && (due === null || t.at < due.at || (t.at === due.at && t.id < due.id))) { due = t; }
        });
        if (due === null) {
            now = until;
            return false;
        }
        now = due.at;
        if (due.every) { due.at = now + due.every; } else { delete timers [due.id]; }
        due.fn ();
        return true;
    }

    function request (i) {
        var r = log.requests [i];
        if (!r) { throw new Error ('no request ' + i); }
        if (r.answered) { throw new Error ('request ' + i + ' already answered'); }
        r.answered = true;
        return r;
    }

    return {
        configure: function (c) { Object.keys (c).forEach (function (k) { config [k] = c [k]; }); },
        setup: function () { installPrototype (); },
        newWidget: function () { var w = new Ctor (); harness.widgets.push (w); return harness.widgets.length - 1; },
        widgets: [],
        callback: function (w, name, arg) { return harness.widgets [w].callbacks [name] (arg); },
        respond: function (i, body) { request (i).success (body, 'success', {}); },
        fail: function (i, textStatus) { request (i).error ({status: 502}, textStatus, 'Bad Gateway'); },
        step: step,
        now: function () { return now; },
        timerCount: function () { return Object.keys (timers).length; },
        timers: function () { return Object.keys (timers).map (function (k) { return {at: timers [k].at - now, every: timers [k].every}; }); },
        clickPhone: function (value) { (log.actions.phone || []).forEach (function (h) { h ({value: value}); }); },
        requests: function () {
            return log.requests.map (function (r) {
                return {url: r.url, data: r.data, type: r.type, answered: r.answered, at: r.at};
            });
        },
        log: log,
        ctorName: function () { return typeof Ctor; }
    };
}) ();
