// The least DOM the widget's screens need, for running the real bundle in QuickJS.
// It counts live listeners and nodes so the lifecycle tests can see leaks; real rendering
// is tested in Chromium (tests/browser).
var fakeDom = (function () {
    var listenerCount = 0;

    function ClassList (node) { this.node = node; }
    ClassList.prototype.names = function () { return (this.node.getAttribute ('class') || '').split (/\s+/).filter (Boolean); };
    ClassList.prototype.add = function (name) {
        var names = this.names ();
        if (names.indexOf (name) < 0) { names.push (name); }
        this.node.setAttribute ('class', names.join (' '));
    };
    ClassList.prototype.remove = function (name) {
        this.node.setAttribute ('class', this.names ().filter (function (n) { return n !== name; }).join (' '));
    };
    ClassList.prototype.contains = function (name) { return this.names ().indexOf (name) >= 0; };

    function EventTarget () { this.listeners = {}; }
    EventTarget.prototype.addEventListener = function (type, handler) {
        (this.listeners [type] = this.listeners [type] || []).push (handler);
        listenerCount++;
    };
    EventTarget.prototype.removeEventListener = function (type, handler) {
        var list = this.listeners [type] || [];
        var index = list.indexOf (handler);
        if (index >= 0) { list.splice (index, 1); listenerCount--; }
    };
    EventTarget.prototype.dispatch = function (type, event) {
        (this.listeners [type] || []).slice ().forEach (function (h) { h (event); });
    };

    function Node (tag) {
        EventTarget.call (this);
        this.tagName = tag;
        this.childNodes = [];
        this.parentNode = null;
        this.attributes = {};
        this.style = {};
        this.classList = new ClassList (this);
        this.value = '';
        this.disabled = false;
        this.offsetWidth = 300;
        this.offsetHeight = 200;
    }
    Node.prototype = Object.create (EventTarget.prototype);
    Object.defineProperty (Node.prototype, 'firstChild', {get: function () { return this.childNodes [0] || null; }});
    Object.defineProperty (Node.prototype, 'textContent', {
        get: function () { return this.tagName === '#text' ? this.text : this.childNodes.map (function (c) { return c.textContent; }).join (''); },
        set: function (text) { this.childNodes = []; if (text !== '') { this.appendChild (document.createTextNode (text)); } }
    });
    // The widget must never hand markup to the DOM: every HTML sink throws, so a fast test catches one.
    ['innerHTML', 'outerHTML'].forEach (function (name) {
        Object.defineProperty (Node.prototype, name, {
            get: function () { throw new Error ('fake DOM: ' + name + ' read'); },
            set: function () { throw new Error ('fake DOM: ' + name + ' is an HTML sink'); }
        });
    });
    Node.prototype.insertAdjacentHTML = function () { throw new Error ('fake DOM: insertAdjacentHTML is an HTML sink'); };
    Object.defineProperty (Node.prototype, 'id', {
        get: function () { return this.attributes.id || ''; }, set: function (v) { this.attributes.id = String (v); }
    });
    Node.prototype.appendChild = function (child) {
        if (child.parentNode) { child.parentNode.removeChild (child); }
        child.parentNode = this;
        this.childNodes.push (child);
        return child;
    };
    Node.prototype.removeChild = function (child) {
        this.childNodes.splice (this.childNodes.indexOf (child), 1);
        child.parentNode = null;
        return child;
    };
    Node.prototype.replaceChild = function (fresh, old) {
        if (fresh.parentNode) { fresh.parentNode.removeChild (fresh); }
        this.childNodes [this.childNodes.indexOf (old)] = fresh;
        fresh.parentNode = this;
        old.parentNode = null;
        return old;
    };
    Node.prototype.setAttribute = function (name, value) { this.attributes [name] = String (value); };
    Node.prototype.getAttribute = function (name) { return name in this.attributes ? this.attributes [name] : null; };
    Node.prototype.removeAttribute = function (name) { delete this.attributes [name]; };
    Node.prototype.contains = function (other) {
        for (var node = other; node; node = node.parentNode) { if (node === this) { return true; } }
        return false;
    };
    Node.prototype.all = function () {
        var found = [];
        this.childNodes.forEach (function (c) { found.push (c); found = found.concat (c.all ()); });
        return found;
    };
    Node.prototype.querySelectorAll = function (selector) {
        var name = selector.replace (/^\./, '');
        return this.all ().filter (function (n) { return n.classList && n.classList.contains (name); });
    };
    Node.prototype.closest = function (selector) {
        var name = selector.replace (/^\./, '');
        for (var node = this; node; node = node.parentNode) { if (node.classList && node.classList.contains (name)) { return node; } }
        return null;
    };
    Node.prototype.getBoundingClientRect = function () { return {left: 0, top: 0, width: this.offsetWidth, height: this.offsetHeight}; };

    var head = new Node ('head');
    var body = new Node ('body');
    var document = new EventTarget ();
    document.head = head;
    document.body = body;
    document.createElement = function (tag) { return new Node (tag); };
    document.createElementNS = function (ns, tag) { return new Node (tag); };
    document.createTextNode = function (text) { var n = new Node ('#text'); n.text = String (text); return n; };
    document.getElementById = function (id) {
        return head.all ().concat (body.all ()).filter (function (n) { return n.attributes && n.attributes.id === id; }) [0] || null;
    };
    globalThis.document = document;
    globalThis.window = globalThis;
    EventTarget.call (globalThis);
    ['addEventListener', 'removeEventListener', 'dispatch'].forEach (function (k) { globalThis [k] = EventTarget.prototype [k]; });
    globalThis.innerWidth = 1280;
    globalThis.innerHeight = 800;
    var store = {};
    globalThis.localStorage = {
        getItem: function (k) { return k in store ? store [k] : null; },
        setItem: function (k, v) { store [k] = String (v); },
        removeItem: function (k) { delete store [k]; }
    };
    // Web Locks and AbortController as far as the widget uses them: one holder per name, waiters
    // in order, a lock granted in a promise job and released when the callback's promise settles.
    globalThis.AbortController = function () {
        var signal = this.signal = {aborted: false, handlers: []};
        this.abort = function () {
            if (!signal.aborted) { signal.aborted = true; signal.handlers.forEach (function (h) { h (); }); }
        };
    };
    // BroadcastChannel: a JSON copy of each message reaches the page's other open channels of the
    // same name in a promise job.
    var channels = [];
    globalThis.BroadcastChannel = function (name) { this.name = name; this.onmessage = null; channels.push (this); };
    BroadcastChannel.prototype.postMessage = function (data) {
        var from = this;
        var copy = JSON.stringify (data);
        channels.forEach (function (to) {
            if (to !== from && to.name === from.name) {
                Promise.resolve ().then (function () {
                    if (to.onmessage && channels.indexOf (to) >= 0) { to.onmessage ({data: JSON.parse (copy)}); }
                });
            }
        });
    };
    BroadcastChannel.prototype.close = function () {
        var index = channels.indexOf (this);
        if (index >= 0) { channels.splice (index, 1); }
    };
    var held = {};
    var waiting = {};
    function grant (name) {
        if (held [name] || !(waiting [name] || []).length) { return; }
        var waiter = waiting [name].shift ();
        held [name] = true;
        var done = function () { held [name] = false; grant (name); };
        Promise.resolve ().then (function () { return waiter.callback ({name: name}); }).then (
            function (value) { done (); waiter.resolve (value); },
            function (error) { done (); waiter.reject (error); });
    }
    globalThis.navigator = {locks: {
        request: function (name, options, callback) {
            return new Promise (function (resolve, reject) {
                var waiter = {callback: callback, resolve: resolve, reject: reject};
                (waiting [name] = waiting [name] || []).push (waiter);
                options.signal.handlers.push (function () {
                    var index = waiting [name].indexOf (waiter);
                    if (index >= 0) { waiting [name].splice (index, 1); reject (new Error ('AbortError')); }
                });
                grant (name);
            });
        },
        held: function () { return Object.keys (held).filter (function (k) { return held [k]; }); }
    }};
    return {
        listenerCount: function () { return listenerCount; },
        nodeCount: function () { return body.all ().length; },
        panels: function () { return body.querySelectorAll ('.asng-panel').length; },
        channels: function () { return channels.length; },
        text: function (cls) { var n = body.querySelectorAll ('.' + cls) [0]; return n ? n.textContent : null; },
        find: function (cls) { return body.querySelectorAll ('.' + cls) [0] || null; }
    };
}) ();
