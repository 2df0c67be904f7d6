"""The sandbox host page itself, exercised with a small hand-written FAKE widget (not our build).

The fake widget records what the host does to it in ``window.__fake``; the host records its
side in ``window.__sandbox``. Each test starts its own demo backend and sandbox server.
"""

from __future__ import annotations

import json
import socket
import time
import urllib.request
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from sandbox.archive import ArchiveError
from sandbox.defaults import DEMO_USER_ID
from sandbox.server import SandboxServer

USER_ID = DEMO_USER_ID

FAKE_SCRIPT = r"""
define(['jquery'], function ($) {
  var log = window.__fake = {calls: [], phones: [], saves: [], settingsArgs: [], ctor: null, widget: null};

  function settingsObject(self) {
    try { return JSON.parse(self.get_settings().jsonSettings); } catch (e) { return null; }
  }

  // crm_post wrapped in a Promise, so tests can await one request from page.evaluate.
  log.post = function (url, data, type) {
    return new Promise(function (resolve) {
      log.widget.crm_post(url, data,
        function (body, textStatus, xhr) {
          resolve({ok: true, body: body, textStatus: textStatus, status: xhr.status, args: arguments.length});
        }, type,
        function (xhr, textStatus, errorThrown) {
          resolve({ok: false, textStatus: textStatus, status: xhr.status, errorThrown: String(errorThrown),
                   responseText: xhr.responseText, args: arguments.length});
        });
    });
  };

  log.ping = function (self, done) {
    var s = settingsObject(self);
    var url = s.server.serverAddress + '?secret_key=' + encodeURIComponent(s.server.secretKey);
    var sys = self.system();
    var envelope = {
      headers: {amouser_email: sys.amouser, amouser_id: sys.amouser_id, widget_version: self.get_version()},
      content: {id: 1, jsonrpc: '2.0', method: 'ping', params: {}}
    };
    self.crm_post(url, {json: JSON.stringify(envelope)}, function (resp) {
      done(resp.content.result.result.ping);
    }, 'json', function (xhr, textStatus) {
      done('failed: ' + textStatus);
    });
  };

  return function FakeWidget() {
    var self = this;
    log.widget = self;
    if (window.__fakeThrowIn === 'constructor') { throw new Error('fake constructor failure'); }
    log.ctor = {
      crm_post: typeof self.crm_post, i18n: typeof self.i18n, system: typeof self.system,
      get_settings: typeof self.get_settings, add_action: typeof self.add_action,
      set_status: typeof self.set_status, version: self.get_version(), area: self.system().area,
      name: self.i18n('widget.name'), settings: settingsObject(self)
    };

    function rec(name) {
      log.calls.push(name);
      if (window.__fakeThrowIn === name) { throw new Error('fake failure in ' + name); }
    }

    this.callbacks = {
      render: function () {
        rec('render');
        log.renderArea = self.system().area;
        if (!$('.fake-widget').length) {
          $('body').append(
            '<div class="fake-widget" style="position:fixed;left:20px;bottom:40px;padding:8px 12px;' +
            'background:#fff;border:1px solid #1f7ed6;border-radius:4px">' +
            '<b>' + self.i18n('widget.name') + '</b> <button class="fake-ping">Ping</button> ' +
            '<span class="fake-status">idle</span></div>');
        }
        return window.__fakeRenderReturns === undefined ? true : window.__fakeRenderReturns;
      },
      init: function () {
        rec('init');
        self.add_action('phone', function (data) { log.phones.push(data); });
        return true;
      },
      bind_actions: function () {
        rec('bind_actions');
        $(document).off('.fake').on('click.fake', '.fake-ping', function () {
          $('.fake-status').text('pinging');
          log.ping(self, function (result) { $('.fake-status').text(result); });
        });
        return true;
      },
      settings: function ($modal_body) {
        rec('settings');
        log.settingsArgs.push({isJquery: !!($modal_body && $modal_body.jquery), length: $modal_body.length});
        $modal_body.find('.widget-settings__desc-space').append('<div class="fake-settings">Fake form</div>');
        return true;
      },
      onSave: function (evt) {
        rec('onSave');
        log.saves.push(JSON.parse(JSON.stringify(evt)));
        return true;
      },
      destroy: function () {
        rec('destroy');
        $('.fake-widget').remove();
        $(document).off('.fake');
      }
    };
    return this;
  };
});
"""

FAKE_MANIFEST = {
    "widget": {
        "name": "widget.name",
        "short_description": "widget.short_description",
        "description": "widget.description",
        "version": "1.0.0",
        "interface_version": 2,
        "init_once": False,
        "locale": ["ru", "en"],
        "installation": True,
    },
    "locations": ["everywhere", "settings"],
    "settings": {"jsonSettings": {"name": "settings.jsonSettings", "type": "text", "required": False}},
}
FAKE_I18N = {
    "ru": {"widget": {"name": "Фейковый виджет", "short_description": "Проверка песочницы"},
           "settings": {"jsonSettings": "Настройки (JSON)"}},
    "en": {"widget": {"name": "Fake widget", "short_description": "Sandbox check"},
           "settings": {"jsonSettings": "Settings (JSON)"}},
}


def write_archive(path: Path, *, script: str | None = FAKE_SCRIPT, manifest: Any = FAKE_MANIFEST,
                  i18n: dict[str, Any] | None = None) -> Path:
    """Write a widget zip; ``None`` for script/manifest leaves that file out."""
    with zipfile.ZipFile(path, "w") as zf:
        if manifest is not None:
            zf.writestr("manifest.json", manifest if isinstance(manifest, str) else json.dumps(manifest))
        if script is not None:
            zf.writestr("script.js", script)
        for locale, data in (FAKE_I18N if i18n is None else i18n).items():
            zf.writestr(f"i18n/{locale}.json", json.dumps(data, ensure_ascii=False))
    return path


@pytest.fixture
def sandbox_archive(tmp_path: Path) -> Path:
    """Run the fake widget instead of the real build."""
    return write_archive(tmp_path / "fake_widget.zip")


def lifecycle(page: Page) -> list[str]:
    return page.evaluate("window.__sandbox.lifecycle.map(function (e) { return e.name; })")


def stats(server: SandboxServer) -> dict[str, int]:
    with urllib.request.urlopen(server.url + "/sandbox/stats", timeout=5) as resp:
        return json.loads(resp.read())


def ping_envelope() -> dict[str, str]:
    envelope = {
        "headers": {"amouser_email": "agent@example.com", "amouser_id": USER_ID, "widget_version": "1.0.0"},
        "content": {"id": 7, "jsonrpc": "2.0", "method": "ping", "params": {}},
    }
    return {"json": json.dumps(envelope)}


def backend_ping_url(fresh_demo_backend: Any) -> str:
    return fresh_demo_backend.url + "?secret_key=AsteriskNG"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- loading and lifecycle -------------------------------------------------------------------------


def test_lifecycle_order_and_widget_methods_in_constructor(open_sandbox: Callable[..., Page],
                                                            fresh_demo_backend: Any) -> None:
    page = open_sandbox()
    assert lifecycle(page) == ["render", "init", "bind_actions"]
    assert page.evaluate("window.__fake.calls") == ["render", "init", "bind_actions"]
    ctor = page.evaluate("window.__fake.ctor")
    for method in ("crm_post", "i18n", "system", "get_settings", "add_action", "set_status"):
        assert ctor[method] == "function", method
    assert ctor["version"] == "1.0.0"
    assert ctor["area"] == "ccard"
    assert ctor["name"] == "Фейковый виджет"
    assert ctor["settings"]["server"] == {"serverAddress": fresh_demo_backend.url, "secretKey": "AsteriskNG"}
    assert ctor["settings"]["amocrm"] == {"showPanel": True, "enableNotification": True}
    entries = page.evaluate("window.__sandbox.lifecycle")
    assert [e["returned"] for e in entries] == [True, True, True]
    expect(page.locator(".fake-widget")).to_be_visible()


def test_globals_and_widget_helpers(open_sandbox: Callable[..., Page]) -> None:
    page = open_sandbox()
    got = page.evaluate("""() => {
      var w = window.__fake.widget;
      return {
        same: window.APP === window.AMOCRM,
        user: AMOCRM.constant('user'),
        card: AMOCRM.data.current_card,
        lang: AMOCRM.lang_id,
        system: w.system(),
        settings: w.get_settings(),
        i18nString: w.i18n('settings.jsonSettings'),
        i18nObject: w.i18n('widget'),
        i18nMissing: w.i18n('widget.nope.deeper'),
        langsName: w.langs.widget.name,
        status: w.get_install_status(),
        paramsSame: w.params === w.get_settings()
      };
    }""")
    assert got["same"] is True
    assert got["user"] == {"id": USER_ID, "login": "agent@example.com", "name": "Sandbox Agent"}
    assert got["card"] == {"id": 10001, "element_type": 1}
    assert got["lang"] == "ru"
    system = got["system"]
    assert (system["area"], system["amouser_id"], system["amouser"], system["subdomain"]) == (
        "ccard", USER_ID, "agent@example.com", "sandbox")
    assert system["domain"].startswith("127.0.0.1:")
    settings = got["settings"]
    assert {k: settings[k] for k in ("widget_code", "path", "version", "status", "active")} == {
        "widget_code": "asteriskng_sandbox", "path": "/widget", "version": "1.0.0", "status": "installed",
        "active": "Y"}
    assert json.loads(settings["jsonSettings"])["server"]["secretKey"] == "AsteriskNG"
    assert got["i18nString"] == "Настройки (JSON)"
    assert got["i18nObject"]["name"] == "Фейковый виджет"
    assert got["i18nMissing"] is False
    assert got["langsName"] == "Фейковый виджет"
    assert got["status"] == "installed"
    assert got["paramsSame"] is True


def test_locale_query_picks_i18n(open_sandbox: Callable[..., Page]) -> None:
    page = open_sandbox({"locale": "en"})
    assert page.evaluate("window.__fake.widget.i18n('widget.name')") == "Fake widget"
    assert page.evaluate("AMOCRM.lang_id") == "en"


def test_render_false_skips_init_and_bind_actions(page: Page, open_sandbox: Callable[..., Page]) -> None:
    page.add_init_script("window.__fakeRenderReturns = false")
    open_sandbox()
    assert lifecycle(page) == ["render"]


@pytest.mark.expect_page_errors  # the host's own record of the error is checked here
def test_callback_exception_is_recorded_and_reaches_the_page(
    page: Page, open_sandbox: Callable[..., Page], page_errors: list[str]
) -> None:
    page.add_init_script("window.__fakeThrowIn = 'init'")
    open_sandbox()
    page.wait_for_function("window.__sandbox.errors.length > 0")
    errors = page.evaluate("window.__sandbox.errors")
    assert errors[0]["kind"] == "callback:init"
    assert "fake failure in init" in errors[0]["message"]
    entry = page.evaluate("window.__sandbox.lifecycle[1]")
    assert entry["name"] == "init" and "fake failure in init" in entry["threw"]
    # Rethrown asynchronously, so Playwright saw it as an uncaught page error, exactly once.
    deadline = time.monotonic() + 5
    while not page_errors and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert len(page_errors) == 1 and "fake failure in init" in page_errors[0]
    assert len(page.evaluate("window.__sandbox.errors")) == 1
    page_errors.clear()


LOAD_FAILURES = {
    "not a constructor": ("define([], function () { return 42; });", "did not define a widget constructor"),
    "syntax error": ("define([], function () { return function W() { this.callbacks = { ; }; });",
                     "did not define a widget constructor"),
    "missing module": ("define(['underscore'], function (_) { return function W() {}; });",
                       'Script error for "underscore"'),
    "factory throws": ("define([], function () { throw new Error('factory boom'); });", "factory boom"),
    "constructor throws": (None, "constructor threw: fake constructor failure"),
}


@pytest.mark.expect_page_errors
@pytest.mark.parametrize("case", list(LOAD_FAILURES))
def test_load_failure_sets_error_state(case: str, tmp_path: Path, page: Page,
                                       make_sandbox: Callable[..., SandboxServer],
                                       open_sandbox: Callable[..., Page]) -> None:
    script, reason = LOAD_FAILURES[case]
    if script is None:
        script = FAKE_SCRIPT
        page.add_init_script("window.__fakeThrowIn = 'constructor'")
    archive = write_archive(tmp_path / "bad.zip", script=script)
    open_sandbox(sandbox=make_sandbox(archive), wait=False)
    expect(page.locator("body")).to_have_attribute("data-widget-state", "error", timeout=3000)
    assert reason in page.evaluate("window.__sandbox.stateReason")
    expect(page.locator("#sandbox-footer")).to_contain_text(reason)
    assert page.evaluate("window.__sandbox.errors") != []
    with pytest.raises(AssertionError, match="the widget failed to load"):
        open_sandbox(sandbox=make_sandbox(archive))


# --- crm_post and the proxy ------------------------------------------------------------------------


def test_crm_post_round_trip_through_proxy(open_sandbox: Callable[..., Page], fresh_demo_backend: Any,
                                           sandbox: SandboxServer) -> None:
    page = open_sandbox()
    page.click(".fake-ping")
    expect(page.locator(".fake-status")).to_have_text("pong")
    pings = fresh_demo_backend.requests_for("ping")
    assert len(pings) == 1
    assert pings[0].headers == {"amouser_email": "agent@example.com", "amouser_id": USER_ID,
                                "widget_version": "1.0.0"}
    record = page.evaluate("window.__sandbox.requests[0]")
    assert record["state"] == "success" and record["textStatus"] == "success" and record["type"] == "json"
    assert record["url"] == fresh_demo_backend.url + "?secret_key=AsteriskNG"
    assert page.evaluate("window.__sandbox.pendingRequests") == 0
    assert stats(sandbox) == {"in_flight": 0, "total": 1, "failed": 0, "timed_out": 0}


def test_crm_post_success_gets_jquery_arguments(open_sandbox: Callable[..., Page],
                                                fresh_demo_backend: Any) -> None:
    page = open_sandbox()
    result = page.evaluate("([url, data]) => window.__fake.post(url, data, 'json')",
                           [backend_ping_url(fresh_demo_backend), ping_envelope()])
    assert result["ok"] is True and result["textStatus"] == "success" and result["status"] == 200
    assert result["args"] == 3
    assert result["body"]["content"]["result"]["result"] == {"ping": "pong"}


def test_crm_post_proxy_failure_gives_error_textstatus(open_sandbox: Callable[..., Page],
                                                       fresh_demo_backend: Any,
                                                       sandbox: SandboxServer) -> None:
    page = open_sandbox()
    dead = f"http://127.0.0.1:{free_port()}/asterisk_ng"
    refused = page.evaluate("([url, data]) => window.__fake.post(url, data, 'json')", [dead, ping_envelope()])
    assert refused["ok"] is False and refused["textStatus"] == "error" and refused["status"] == 502
    assert refused["args"] == 3
    assert "cannot reach" in refused["responseText"]

    fresh_demo_backend.inject_fault("drop")
    dropped = page.evaluate("([url, data]) => window.__fake.post(url, data, 'json')",
                            [backend_ping_url(fresh_demo_backend), ping_envelope()])
    assert dropped["ok"] is False and dropped["textStatus"] == "error" and dropped["status"] == 502

    not_http = page.evaluate("([data]) => window.__fake.post('file:///etc/passwd', data, 'json')",
                             [ping_envelope()])
    assert not_http["ok"] is False and not_http["textStatus"] == "error" and not_http["status"] == 400
    assert page.evaluate("window.__sandbox.requests.map(function (r) { return r.state; })") == ["error"] * 3
    assert stats(sandbox)["failed"] == 3


def test_crm_post_non_json_body_gives_parsererror(open_sandbox: Callable[..., Page],
                                                  fresh_demo_backend: Any) -> None:
    page = open_sandbox()
    fresh_demo_backend.inject_fault("non_json", "<html>Bad gateway</html>")
    result = page.evaluate("([url, data]) => window.__fake.post(url, data, 'json')",
                           [backend_ping_url(fresh_demo_backend), ping_envelope()])
    assert result["ok"] is False and result["textStatus"] == "parsererror" and result["status"] == 200
    assert "Bad gateway" in result["responseText"]


def test_proxy_timeout_cap(make_sandbox: Callable[..., SandboxServer], sandbox_archive: Path,
                           open_sandbox: Callable[..., Page], fresh_demo_backend: Any) -> None:
    server = make_sandbox(sandbox_archive, proxy_timeout=0.5)
    page = open_sandbox(sandbox=server)
    fresh_demo_backend.inject_fault("latency", 3, method="ping")
    started = time.monotonic()
    result = page.evaluate("([url, data]) => window.__fake.post(url, data, 'json')",
                           [backend_ping_url(fresh_demo_backend), ping_envelope()])
    elapsed = time.monotonic() - started
    assert result["ok"] is False and result["textStatus"] == "error" and result["status"] == 504
    assert elapsed < 2.5
    assert stats(server)["timed_out"] == 1


def test_pending_counts_return_to_zero(open_sandbox: Callable[..., Page], fresh_demo_backend: Any,
                                       sandbox: SandboxServer) -> None:
    page = open_sandbox()
    fresh_demo_backend.inject_fault("latency", 0.8, method="ping")
    page.evaluate("([url, data]) => { window.__slow = window.__fake.post(url, data, 'json'); }",
                  [backend_ping_url(fresh_demo_backend), ping_envelope()])
    page.wait_for_function("window.__sandbox.pendingRequests === 1")
    deadline = time.monotonic() + 2
    while stats(sandbox)["in_flight"] != 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert stats(sandbox)["in_flight"] == 1
    assert page.evaluate("window.__slow")["ok"] is True
    assert page.evaluate("window.__sandbox.pendingRequests") == 0
    assert stats(sandbox) == {"in_flight": 0, "total": 1, "failed": 0, "timed_out": 0}


# --- phone numbers, navigation -----------------------------------------------------------------------


def test_phone_click_calls_phone_action(open_sandbox: Callable[..., Page]) -> None:
    page = open_sandbox()
    phones = page.locator("#sandbox-page .sandbox-phone")
    expect(phones).to_have_count(3)
    phones.first.click()
    assert page.evaluate("window.__fake.phones") == [{"value": "+79161000003"}]
    page.evaluate("window.__sandbox.navigate('list')")
    list_phones = page.locator("#sandbox-page .sandbox-phone")
    assert list_phones.count() >= 10
    list_phones.nth(1).click()
    assert page.evaluate("window.__fake.phones")[-1] == {"value": "+14151007922"}
    assert page.evaluate("window.__sandbox.phoneCalls") == [
        {"value": "+79161000003", "handled": True}, {"value": "+14151007922", "handled": True}]


def test_navigation_destroys_then_renders_and_inits(open_sandbox: Callable[..., Page]) -> None:
    page = open_sandbox()
    page.click("[data-sandbox-page=list]")
    assert lifecycle(page) == ["render", "init", "bind_actions", "destroy", "render", "init", "bind_actions"]
    last = page.evaluate("window.__sandbox.lifecycle.slice(-3)")
    assert {e["area"] for e in last} == {"clist"}
    assert page.evaluate("window.__fake.renderArea") == "clist"
    assert page.evaluate("AMOCRM.data.current_card") is False
    expect(page.locator(".fake-widget")).to_have_count(1)
    expect(page.locator("[data-sandbox-page=list]")).to_have_class(
        "sandbox-nav__item sandbox-nav__item--active")


def test_navigation_render_only_mode(open_sandbox: Callable[..., Page]) -> None:
    page = open_sandbox({"navigation": "render-only"})
    page.evaluate("window.__sandbox.navigate('list')")
    page.evaluate("window.__sandbox.navigate('card')")
    assert lifecycle(page) == ["render", "init", "bind_actions", "destroy", "render", "destroy", "render"]
    assert page.evaluate("AMOCRM.data.current_card") == {"id": 10001, "element_type": 1}
    # Handlers registered once in init still work after the re-render.
    page.locator("#sandbox-page .sandbox-phone").first.click()
    assert page.evaluate("window.__fake.phones") == [{"value": "+79161000003"}]


# --- settings -----------------------------------------------------------------------------------------


def test_settings_modal_dom_and_save_persists(open_sandbox: Callable[..., Page], fresh_demo_backend: Any,
                                              wait_widget_ready: Callable[..., None]) -> None:
    page = open_sandbox()
    page.click("[data-sandbox-page=settings]")
    page.click("#sandbox-open-settings")
    modal = page.locator(".widget-settings__modal")
    expect(modal).to_be_visible()
    expect(modal.locator(".widget-settings__desc-space .fake-settings")).to_have_text("Fake form")
    field = modal.locator(".widget_settings_block input[name=jsonSettings]")
    assert json.loads(field.input_value())["server"]["serverAddress"] == fresh_demo_backend.url
    assert page.evaluate("window.__fake.settingsArgs") == [{"isJquery": True, "length": 1}]
    assert page.evaluate("window.__sandbox.settingsOpened") == 1

    new_value = json.dumps({"server": {"serverAddress": "http://example.invalid/x", "secretKey": "k2"}})
    field.fill(new_value)
    modal.locator(".widget_settings_block button.js-widget-save").click()
    assert page.evaluate("window.__fake.saves") == [{"active": "Y", "fields": {"jsonSettings": new_value}}]
    save = page.evaluate("window.__sandbox.saves[0]")
    assert save["saved"] is True and save["savedFields"] == {"jsonSettings": new_value}
    expect(modal).to_have_count(0)
    assert page.evaluate("window.__fake.widget.get_settings().jsonSettings") == new_value

    page.reload()
    wait_widget_ready(page)
    assert page.evaluate("window.__fake.widget.get_settings().jsonSettings") == new_value
    assert page.evaluate("window.__sandbox.storedSettings()") == {"jsonSettings": new_value}


def test_settings_close_button_calls_nothing(open_sandbox: Callable[..., Page]) -> None:
    page = open_sandbox()
    page.evaluate("window.__sandbox.openSettings()")
    page.click(".widget-settings__modal .sandbox-modal__close")
    expect(page.locator(".widget-settings__modal")).to_have_count(0)
    assert lifecycle(page) == ["render", "init", "bind_actions", "settings"]
    assert page.evaluate("window.__sandbox.saves") == []


def test_settings_and_install_status_from_query(open_sandbox: Callable[..., Page]) -> None:
    page = open_sandbox({"settings": "{not json", "install_status": "not_configured"})
    assert page.evaluate("window.__fake.widget.get_settings().jsonSettings") == "{not json"
    assert page.evaluate("window.__fake.widget.get_install_status()") == "not_configured"
    assert page.evaluate("window.__fake.ctor.settings") is None
    expect(page.locator("#sandbox-widget-status")).to_have_text("not_configured")
    # reset=1 forgets the stored value and falls back to the default settings.
    open_sandbox({"reset": "1"})
    stored = page.evaluate("window.__fake.widget.get_settings().jsonSettings")
    assert json.loads(stored)["server"]["secretKey"] == "AsteriskNG"


# --- notifications, status, control strip -----------------------------------------------------------


def test_notifications_recorded_and_shown_in_tray(open_sandbox: Callable[..., Page]) -> None:
    page = open_sandbox()
    page.evaluate("""() => {
      AMOCRM.notifications.show_message({header: 'Hello', text: 'plain message'});
      APP.notifications.show_message_error({header: 'Oops', text: 'server not responding'});
      AMOCRM.notifications.show_notification({text: {header: 'Incoming', text: '+7 916'}, type: 'call'});
      AMOCRM.notifications.add_error({header: 'Bad', text: 'error text'});
      AMOCRM.notifications.add_call({text: 'call text', from: '79161000003', to: 'agent',
                                     element: {id: 10001, type: 'contact'}});
    }""")
    recorded = page.evaluate("window.__sandbox.notifications")
    assert [n["type"] for n in recorded] == [
        "show_message", "show_message_error", "show_notification", "add_error", "add_call"]
    assert recorded[1]["payload"] == {"header": "Oops", "text": "server not responding"}
    tray = page.locator("#sandbox-tray .sandbox-tray__item")
    expect(tray).to_have_count(5)
    expect(tray.first).to_contain_text("call text")
    expect(page.locator("#sandbox-tray [data-type=show_message_error]")).to_contain_text(
        "server not responding")
    expect(page.locator("#sandbox-tray [data-type=show_message]")).to_be_visible()


def test_set_status_is_shown(open_sandbox: Callable[..., Page]) -> None:
    page = open_sandbox()
    badge = page.locator("#sandbox-widget-status")
    expect(badge).to_have_text("installed")
    page.evaluate("window.__fake.widget.set_status('error')")
    expect(badge).to_have_text("error")
    expect(badge).to_be_visible()
    assert page.evaluate("window.__sandbox.statuses") == ["error"]


def test_control_strip_drives_demo_backend(open_sandbox: Callable[..., Page],
                                           fresh_demo_backend: Any) -> None:
    page = open_sandbox()
    page.fill("#sandbox-ctl-phone", "74951015841")
    page.click("[data-sandbox-control=incoming_call]")
    expect(page.locator("#sandbox-control-result")).to_have_text("incoming_call: ok")
    status = fresh_demo_backend.agent_status(USER_ID)
    assert status["status"] == "CONVERSATION"
    assert status["call_info"]["contact_phone"] == "74951015841"
    page.click("[data-sandbox-control=set_hold]")
    expect(page.locator("#sandbox-control-result")).to_have_text("set_hold: ok")
    assert fresh_demo_backend.agent_status(USER_ID)["call_info"]["is_hold"] is True
    page.click("[data-sandbox-control=remote_hangup]")
    expect(page.locator("#sandbox-control-result")).to_have_text("remote_hangup: ok")
    assert fresh_demo_backend.agent_status(USER_ID)["status"] == "NOT_CONVERSATION"

    page.select_option("#sandbox-ctl-fault-kind", "status")
    page.fill("#sandbox-ctl-fault-value", "401")
    page.select_option("#sandbox-ctl-fault-method", "ping")
    page.click("[data-sandbox-control=fault]")
    expect(page.locator("#sandbox-control-result")).to_have_text("fault: 1 active fault(s)")
    faults = fresh_demo_backend.faults
    assert [(f.kind, f.value, f.method) for f in faults] == [("status", 401, "ping")]
    page.click("[data-sandbox-control=set_mute]")  # no call now: the backend's refusal is shown
    result = page.locator("#sandbox-control-result")
    expect(result).to_have_class("sandbox-controls__result sandbox-controls__result--error")
    assert result.text_content().startswith("set_mute: ")
    page.click("[data-sandbox-control=clear_faults]")
    expect(page.locator("#sandbox-control-result")).to_have_text("clear_faults: ok")
    assert fresh_demo_backend.faults == []


# --- archive errors ------------------------------------------------------------------------------------


def test_bad_archives_give_clear_errors(tmp_path: Path, fresh_demo_backend: Any) -> None:
    cases = {
        "missing.zip": "not found",
        "not_a_zip.zip": "is not a zip archive",
        "no_script.zip": "lacks script.js",
        "no_manifest.zip": "lacks manifest.json",
        "bad_manifest.zip": "manifest.json is not valid JSON",
    }
    (tmp_path / "not_a_zip.zip").write_text("hello")
    write_archive(tmp_path / "no_script.zip", script=None)
    write_archive(tmp_path / "no_manifest.zip", manifest=None)
    write_archive(tmp_path / "bad_manifest.zip", manifest="{oops")
    for name, message in cases.items():
        with pytest.raises(ArchiveError, match=message):
            SandboxServer(tmp_path / name, fresh_demo_backend.url).start()


def test_archive_broken_after_start_shows_error_page(tmp_path: Path,
                                                     make_sandbox: Callable[..., SandboxServer],
                                                     open_sandbox: Callable[..., Page]) -> None:
    archive = write_archive(tmp_path / "w.zip")
    server = make_sandbox(archive)
    time.sleep(0.01)
    write_archive(archive, script=None)
    page = open_sandbox(sandbox=server, wait=False)
    expect(page.locator("body")).to_have_attribute("data-widget-state", "error")
    expect(page.locator(".sandbox-fatal")).to_contain_text("lacks script.js")


def test_rebuilt_archive_is_served_fresh(tmp_path: Path, make_sandbox: Callable[..., SandboxServer],
                                         open_sandbox: Callable[..., Page],
                                         wait_widget_ready: Callable[..., None]) -> None:
    archive = write_archive(tmp_path / "w.zip")
    server = make_sandbox(archive)
    page = open_sandbox(sandbox=server)
    assert page.evaluate("window.__fake.ctor.name") == "Фейковый виджет"
    renamed = {"ru": {"widget": {"name": "Новое имя"}}, "en": {"widget": {"name": "New name"}}}
    write_archive(archive, script=FAKE_SCRIPT.replace("log.ctor = {", "log.rebuilt = true; log.ctor = {"),
                  i18n=renamed)
    page.reload()
    wait_widget_ready(page)
    assert page.evaluate("window.__fake.ctor.name") == "Новое имя"
    assert page.evaluate("window.__fake.rebuilt") is True
