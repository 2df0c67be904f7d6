"""The post-call card (docs/behaviour.md §10) of the REAL ``--dev`` build in the sandbox,
in headless Chromium.

script.js loads postcall.js from the archive (RequireJS, ``<params.path>/postcall.js``) and the card
writes through the sandbox's emulation of amoCRM's REST API v4 (sandbox/amocrm_api.py), whose state
the tests read. Every test fails on a page error or console.error (tests/browser/conftest.py).
"""

from __future__ import annotations

import json
import re
import time
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from sandbox.demo_backend import DemoBackend
from sandbox.server import SandboxServer
from tests.support.locale_text import text
from tests.support.page_errors import PageErrors, watch_errors
from tests.support.panel import IVANOV, SMITH, USER_ID, Panel
from tests.support.postcall import (
    Card,
    api,
    end_a_call,
    known_call,
    outbox,
    ready,
    save_while_amocrm_fails,
    state,
    talk_and_hang_up,
    uuid_of,
    writes,
)
from tests.support.waiting import WAIT_MS, wait_until

LOCALE = "en"
EVIL = '<img src=x onerror="window.__xss=1">'


def t(key: str) -> str:
    return text(LOCALE, "domain.amocrm.postcall." + key)


@pytest.fixture(autouse=True)
def fast_long_poll(fresh_demo_backend: DemoBackend) -> None:
    fresh_demo_backend.configure(long_poll_seconds=2.0)


@pytest.fixture
def opened(open_sandbox: Callable[..., Page], sandbox: SandboxServer,
           fresh_demo_backend: DemoBackend) -> Page:
    page = open_sandbox({"locale": LOCALE})
    expect(Panel(page).root).to_be_visible(timeout=WAIT_MS)
    return page


def test_known_contact_note_and_task_are_saved_once_with_the_right_fields(
        opened: Page, fresh_demo_backend: DemoBackend, sandbox: SandboxServer) -> None:
    card = known_call(opened, fresh_demo_backend)
    expect(card.name).to_have_text(IVANOV["name"])
    expect(card.name).to_have_attribute("href", f"/contacts/detail/{IVANOV['contact_id']}")
    expect(card.note).to_be_focused()
    card.note.fill("Wants the yearly plan")
    card.task_on.check()
    expect(card.task_text).to_have_value(t("task_default"))
    card.preset("hour").click()
    before = int(time.time())
    card.save.click()
    expect(card.root).to_be_hidden(timeout=WAIT_MS)
    after = int(time.time())
    now = state(sandbox)
    assert len(now["notes"]) == 1 and len(now["tasks"]) == 1
    note, task = now["notes"][0], now["tasks"][0]
    assert (note["entity_id"], note["entity_type"], note["note_type"], note["params"]["text"]) == (
        IVANOV["contact_id"], "contacts", "common", "Wants the yearly plan")
    assert (task["entity_id"], task["entity_type"], task["task_type_id"], task["text"],
            task["responsible_user_id"]) == (IVANOV["contact_id"], "contacts", 1, t("task_default"), USER_ID)
    assert before + 3600 - 60 <= task["complete_till"] <= after + 3600
    assert task["complete_till"] % 60 == 0
    assert outbox(opened)["items"] == []


def test_skip_sends_nothing_and_escape_skips(opened: Page, fresh_demo_backend: DemoBackend,
                                             sandbox: SandboxServer) -> None:
    card = known_call(opened, fresh_demo_backend)
    card.note.fill("never mind")
    card.skip.click()
    expect(card.root).to_be_hidden()
    card = known_call(opened, fresh_demo_backend, SMITH)
    card.note.press("Escape")
    expect(card.root).to_be_hidden()
    opened.wait_for_timeout(300)  # a queued save would send its check (a GET) at once
    assert state(sandbox)["requests"] == []
    assert writes(sandbox) == []
    assert outbox(opened)["items"] == []


def test_ctrl_enter_in_the_note_saves(opened: Page, fresh_demo_backend: DemoBackend,
                                      sandbox: SandboxServer) -> None:
    card = known_call(opened, fresh_demo_backend)
    card.note.fill("by keyboard")
    card.note.press("Control+Enter")
    expect(card.root).to_be_hidden(timeout=WAIT_MS)
    assert notes(sandbox) == ["by keyboard"]


def test_a_double_save_and_ctrl_enter_write_one_note(opened: Page, fresh_demo_backend: DemoBackend,
                                                     sandbox: SandboxServer) -> None:
    card = known_call(opened, fresh_demo_backend)
    card.note.fill("twice?")
    opened.evaluate("document.querySelector('.asng-card__save').click();"
                    "document.querySelector('.asng-card__save').click()")
    card.note.press("Control+Enter")
    expect(card.root).to_be_hidden(timeout=WAIT_MS)
    opened.wait_for_timeout(300)
    assert [n["params"]["text"] for n in state(sandbox)["notes"]] == ["twice?"]


# --- faults: nothing typed is lost, and nothing is written twice ---------------------------------


def notes(sandbox: SandboxServer) -> list[str]:
    return [n["params"]["text"] for n in state(sandbox)["notes"]]


@pytest.mark.parametrize("kind", ["401", "403"])
def test_refused_rights_keep_the_text_and_retry_saves_once(
        kind: str, opened: Page, fresh_demo_backend: DemoBackend, sandbox: SandboxServer) -> None:
    """Catches a 401/403 being retried in a loop (amoCRM blocks such clients) or dropping the text."""
    card = known_call(opened, fresh_demo_backend)
    api(sandbox, "faults", {"kind": kind, "times": 1})
    card.note.fill("after the call")
    card.save.click()
    expect(card.status).to_have_text(t("error_auth"), timeout=WAIT_MS)
    expect(card.note).to_have_value("after the call")
    expect(card.save).to_have_text(t("retry"))
    refused = len(state(sandbox)["requests"])
    opened.wait_for_timeout(1500)
    assert len(state(sandbox)["requests"]) == refused  # never retried by itself
    card.save.click()
    expect(card.root).to_be_hidden(timeout=WAIT_MS)
    assert notes(sandbox) == ["after the call"]


@pytest.mark.parametrize("fault", [
    {"kind": "429", "retry_after": 3, "method": "POST"},
    {"kind": "500", "times": 2},
    {"kind": "500", "times": 2, "method": "POST"},
    {"kind": "drop", "times": 2},
    {"kind": "lost"},
    {"kind": "lost", "method": "POST"},
    {"kind": "slow", "delay": 2},
], ids=lambda fault: fault["kind"] + ("-" + fault["method"] if "method" in fault else ""))
def test_transient_faults_are_retried_and_write_exactly_once(
        fault: dict[str, Any], opened: Page, fresh_demo_backend: DemoBackend, sandbox: SandboxServer) -> None:
    """Catches a retry after a lost answer re-POSTing (two notes or tasks), and a 429 retried early.

    The card checks amoCRM before every write (a GET), so a fault without ``method`` meets the
    check; with ``method: POST`` it meets the write itself.
    """
    card = known_call(opened, fresh_demo_backend)
    card.task_on.check()
    api(sandbox, "faults", fault)
    card.note.fill("call him back about the offer")
    started = time.monotonic()
    card.save.click()
    if fault["kind"] == "429":
        wait_until(opened, lambda: notes(sandbox), what="the note written after the 429", timeout=15_000)
        assert time.monotonic() - started >= 3.0  # amoCRM's Retry-After, not the card's own 1 s retry
    expect(card.root).to_be_hidden(timeout=20_000)
    opened.wait_for_timeout(500)
    now = state(sandbox)
    assert notes(sandbox) == ["call him back about the offer"]
    assert len(now["tasks"]) == 1
    assert outbox(opened)["items"] == []


def test_a_validation_error_names_the_field_and_shows_amocrms_text_literally(
        opened: Page, fresh_demo_backend: DemoBackend, sandbox: SandboxServer) -> None:
    card = known_call(opened, fresh_demo_backend)
    api(sandbox, "faults", {"kind": "400", "detail": EVIL})
    card.note.fill(EVIL)
    card.save.click()
    expected = t("error_field").replace("{field}", "text").replace("{detail}", EVIL)
    expect(card.status).to_have_text(expected, timeout=WAIT_MS)
    assert opened.locator(".asng-card img").count() == 0
    card.save.click()
    expect(card.root).to_be_hidden(timeout=WAIT_MS)
    assert notes(sandbox) == [EVIL]
    assert opened.evaluate("window.__xss") is None


def test_an_unsent_save_survives_a_reload_and_is_sent_once(
        opened: Page, open_sandbox: Callable[..., Page], fresh_demo_backend: DemoBackend,
        sandbox: SandboxServer) -> None:
    card = known_call(opened, fresh_demo_backend)
    save_while_amocrm_fails(sandbox, card, "typed before the reload", t("error_retrying"))
    page = open_sandbox({"locale": LOCALE})
    card = Card(page)
    expect(card.indicator).to_have_text(t("unsent_one"), timeout=WAIT_MS)
    assert notes(sandbox) == []
    api(sandbox, "faults", {"kind": "none"})
    expect(card.indicator).to_be_hidden(timeout=30_000)
    assert notes(sandbox) == ["typed before the reload"]
    assert outbox(page)["items"] == []


def test_a_draft_survives_a_reload_and_the_indicator_reopens_it(
        opened: Page, open_sandbox: Callable[..., Page], fresh_demo_backend: DemoBackend,
        sandbox: SandboxServer) -> None:
    card = known_call(opened, fresh_demo_backend)
    card.note.fill("half-written")
    page = open_sandbox({"locale": LOCALE})
    card = Card(page)
    expect(card.indicator).to_have_text(t("unsent_one"), timeout=WAIT_MS)
    card.indicator.click()
    expect(card.note).to_have_value("half-written")
    card.save.click()
    expect(card.root).to_be_hidden(timeout=WAIT_MS)
    assert notes(sandbox) == ["half-written"]


def test_the_panel_keeps_working_while_a_save_is_pending(
        opened: Page, fresh_demo_backend: DemoBackend, sandbox: SandboxServer) -> None:
    card = known_call(opened, fresh_demo_backend)
    api(sandbox, "faults", {"kind": "slow", "delay": 3})
    card.note.fill("slow one")
    card.save.click()
    expect(card.status).to_have_text(t("saving"))
    panel = Panel(opened)
    panel.input.click()
    panel.input.press_sequentially("Smi", delay=20)
    expect(panel.option.first).to_be_visible(timeout=WAIT_MS)
    assert notes(sandbox) == []
    expect(card.root).to_be_hidden(timeout=WAIT_MS)
    assert notes(sandbox) == ["slow one"]


def test_a_new_call_keeps_the_unsaved_draft_of_the_last_one(
        opened: Page, fresh_demo_backend: DemoBackend, sandbox: SandboxServer) -> None:
    card = known_call(opened, fresh_demo_backend)
    card.note.fill("first call's note")
    card = known_call(opened, fresh_demo_backend, SMITH)
    expect(card.name).to_have_text(SMITH["name"])
    expect(card.note).to_have_value("")
    drafts = [i["note"] for i in outbox(opened)["items"]]
    assert drafts == ["first call's note", ""]
    card.skip.click()
    expect(card.indicator).to_have_text(t("unsent_one"))
    card.indicator.click()
    expect(card.note).to_have_value("first call's note")


# --- the unknown caller: 0, 1 or several contacts with the number --------------------------------

UNKNOWN = "70000000071"


def add_contact(sandbox: SandboxServer, name: str, phone: str) -> int:
    """A contact made in amoCRM (not in the PBX's phonebook), through the emulated REST API."""
    body = json.dumps([{"name": name, "custom_fields_values": [
        {"field_code": "PHONE", "values": [{"value": phone, "enum_code": "MOB"}]}]}]).encode()
    request = urllib.request.Request(f"{sandbox.url}/api/v4/contacts", data=body, method="POST", headers={
        "Content-Type": "application/json", "X-Requested-With": "XMLHttpRequest"})
    with urllib.request.urlopen(request, timeout=5) as answer:
        return int(json.loads(answer.read())["_embedded"]["contacts"][0]["id"])


def test_unknown_caller_without_a_match_gets_a_new_contact_with_the_note(
        opened: Page, fresh_demo_backend: DemoBackend, sandbox: SandboxServer) -> None:
    card = talk_and_hang_up(opened, fresh_demo_backend, phone=UNKNOWN)
    expect(card.name).to_have_text(t("unknown_number"))
    expect(card.phone).to_have_text(UNKNOWN)
    expect(card.create).to_have_value(UNKNOWN, timeout=WAIT_MS)
    card.create.fill(EVIL)
    card.note.fill("new lead")
    card.save.click()
    expect(card.root).to_be_hidden(timeout=WAIT_MS)
    created = [c for c in state(sandbox)["contacts"] if c["name"] == EVIL]
    assert len(created) == 1
    assert created[0]["custom_fields_values"][0]["values"] == [{"value": UNKNOWN, "enum_code": "WORK"}]
    assert [(n["entity_id"], n["params"]["text"]) for n in state(sandbox)["notes"]] == [
        (created[0]["id"], "new lead")]
    assert opened.evaluate("window.__xss") is None


def test_unknown_caller_with_one_match_is_attached_to_it(
        opened: Page, fresh_demo_backend: DemoBackend, sandbox: SandboxServer) -> None:
    contact_id = add_contact(sandbox, "Olga Petrova", "+7 (000) 000-00-71")
    card = talk_and_hang_up(opened, fresh_demo_backend, phone=UNKNOWN)
    expect(card.name).to_have_text("Olga Petrova", timeout=WAIT_MS)
    expect(card.name).to_have_attribute("href", f"/contacts/detail/{contact_id}")
    card.task_on.check()
    card.save.click()
    expect(card.root).to_be_hidden(timeout=WAIT_MS)
    now = state(sandbox)
    assert [(t_["entity_id"], t_["text"]) for t_ in now["tasks"]] == [(contact_id, t("task_default"))]
    assert writes(sandbox) == ["POST /api/v4/contacts", "POST /api/v4/tasks"]  # the seed, then the task


def test_unknown_caller_with_several_matches_lets_the_agent_pick(
        opened: Page, fresh_demo_backend: DemoBackend, sandbox: SandboxServer) -> None:
    add_contact(sandbox, EVIL, "+70000000071")
    second = add_contact(sandbox, "Second Namesake", "70000000071")
    card = talk_and_hang_up(opened, fresh_demo_backend, phone=UNKNOWN)
    options = opened.locator(".asng-card__option")
    expect(options).to_have_count(2, timeout=WAIT_MS)
    expect(options.first.locator(".asng-card__option-name")).to_have_text(EVIL)
    card.note.fill("which one?")
    card.save.click()
    expect(card.status).to_have_text(t("error_contact"))
    opened.get_by_label("Second Namesake").check()
    card.save.click()
    expect(card.root).to_be_hidden(timeout=WAIT_MS)
    assert [(n["entity_id"], n["params"]["text"])
            for n in state(sandbox)["notes"]] == [(second, "which one?")]
    assert opened.evaluate("window.__xss") is None


# --- life in the page: settings, loading, focus, destroy, two tabs ---------------------------------


def settings_json(backend: DemoBackend, **amocrm: Any) -> str:
    return json.dumps({"server": {"serverAddress": backend.url, "secretKey": "AsteriskNG"},
                       "amocrm": {"showPanel": True, "enableNotification": True, **amocrm}})


def test_no_card_and_no_card_bundle_when_the_settings_turn_it_off(
        open_sandbox: Callable[..., Page], fresh_demo_backend: DemoBackend, sandbox: SandboxServer) -> None:
    page = open_sandbox({"locale": LOCALE, "settings": settings_json(fresh_demo_backend, postCallCard=False)})
    loads: list[str] = []
    page.on("request", lambda request: loads.append(request.url) if "postcall.js" in request.url else None)
    end_a_call(page, fresh_demo_backend, phone=UNKNOWN)
    page.wait_for_timeout(500)
    expect(Card(page).root).to_have_count(0)
    assert loads == [] and state(sandbox)["requests"] == []


def test_old_settings_without_the_key_show_the_card(
        open_sandbox: Callable[..., Page], fresh_demo_backend: DemoBackend) -> None:
    page = open_sandbox({"locale": LOCALE, "settings": settings_json(fresh_demo_backend)})
    known_call(page, fresh_demo_backend)


def test_a_card_that_cannot_load_is_told_once_and_the_panel_keeps_working(
        open_sandbox: Callable[..., Page], page: Page, fresh_demo_backend: DemoBackend) -> None:
    # A broken file (no define call): RequireJS calls the error callback, as for a failed download.
    page.route("**/postcall.js*", lambda route: route.fulfill(status=200, body="/* broken */",
                                                             content_type="application/javascript"))
    page = open_sandbox({"locale": LOCALE})
    panel = Panel(page)
    for _ in range(2):
        end_a_call(page, fresh_demo_backend, phone=UNKNOWN)
    header = t("load_failed_header")
    tray = page.locator(".sandbox-tray")
    expect(tray).to_contain_text(header, timeout=WAIT_MS)
    page.wait_for_timeout(500)
    count = f"document.querySelector('.sandbox-tray').textContent.split({json.dumps(header)}).length - 1"
    assert page.evaluate(count) == 1
    expect(Card(page).root).to_have_count(0)
    panel.input.click()
    panel.input.press_sequentially("Smi", delay=20)
    expect(panel.option.first).to_be_visible(timeout=WAIT_MS)


def test_a_card_whose_start_fails_half_way_leaves_nothing_behind(
        open_sandbox: Callable[..., Page], page: Page, fresh_demo_backend: DemoBackend) -> None:
    """Catches a start that throws after adding its stylesheet leaving it (and its listeners) in the
    page: the card is stopped before the error goes on to script.js, which tells the agent."""
    draft = {"id": "call-x", "call_id": "x", "state": "draft", "note": "typed", "task_on": False}
    outbox_json = json.dumps({"items": [draft], "done": []})
    page.add_init_script(f"""(() => {{
        localStorage.setItem('asng.postcall.{USER_ID}', {json.dumps(outbox_json)});
        const add = window.addEventListener;
        window.addEventListener = function (type, ...rest) {{
            if (type === 'storage' && document.getElementById('asng-card-styles')) {{  // the card's start
                throw new Error('no storage events here');
            }}
            return add.call(this, type, ...rest);
        }};
    }})()""")
    page = open_sandbox({"locale": LOCALE})
    expect(page.locator(".sandbox-tray")).to_contain_text(t("load_failed_header"), timeout=WAIT_MS)
    expect(page.locator("#asng-card-styles, .asng-card, .asng-card-indicator")).to_have_count(0)
    expect(Panel(page).root).to_be_visible()


def test_the_note_does_not_steal_the_focus_from_a_field_of_the_page(
        opened: Page, fresh_demo_backend: DemoBackend) -> None:
    ready(opened, fresh_demo_backend)
    fresh_demo_backend.start_incoming_call(USER_ID, contact_uuid=uuid_of(fresh_demo_backend, IVANOV["name"]))
    expect(Panel(opened).call).to_be_visible(timeout=WAIT_MS)
    field = opened.locator("#sandbox-ctl-phone")
    field.click()
    fresh_demo_backend.remote_hangup(USER_ID)
    card = Card(opened)
    expect(card.root).to_be_visible(timeout=WAIT_MS)
    expect(field).to_be_focused()
    expect(card.root).to_have_attribute("role", "region")
    expect(opened.get_by_role("region", name=t("title"))).to_be_visible()


OUTBOX_KEY = f"asng.postcall.{USER_ID}"
# The Web Locks on the outbox: held and waiting (the widget's other locks have other names).
OUTBOX_LOCKS_JS = f"""navigator.locks.query().then((q) => ({{
    held: q.held.filter((l) => l.name === '{OUTBOX_KEY}').length,
    pending: q.pending.filter((l) => l.name === '{OUTBOX_KEY}').length}}))"""
# The test takes the outbox's lock itself, so that the card's next retry waits for it.
HOLD_OUTBOX_LOCK_JS = f"""navigator.locks.request('{OUTBOX_KEY}',
    () => new Promise((resolve) => {{ window.__releaseOutbox = resolve; }}))"""


def test_destroy_removes_the_card_and_stops_its_retries(
        opened: Page, fresh_demo_backend: DemoBackend, sandbox: SandboxServer) -> None:
    """Also catches a destroyed card holding the outbox's Web Lock for ever: its request still waiting
    (no AbortSignal), or granted after destroy and then waiting for an answer that never comes."""
    card = known_call(opened, fresh_demo_backend)
    save_while_amocrm_fails(sandbox, card, "kept across destroy", t("error_retrying"))
    opened.evaluate(f"void ({HOLD_OUTBOX_LOCK_JS})")
    wait_until(opened, lambda: opened.evaluate(OUTBOX_LOCKS_JS) == {"held": 1, "pending": 1},
               what="the card's next retry waiting for the outbox's lock", timeout=10_000)
    assert opened.evaluate("window.__sandbox.widget.callbacks.destroy()") is True
    expect(opened.locator(".asng-card, .asng-card-indicator, #asng-card-styles")).to_have_count(0)
    assert opened.evaluate(OUTBOX_LOCKS_JS) == {"held": 1, "pending": 0}  # only the test's own
    opened.evaluate("window.__releaseOutbox()")
    sent = len(state(sandbox)["requests"])
    opened.wait_for_timeout(3500)  # past the next backoff step: nothing may be sent any more
    assert len(state(sandbox)["requests"]) == sent
    assert [i["note"] for i in outbox(opened)["items"]] == ["kept across destroy"]
    assert opened.evaluate(OUTBOX_LOCKS_JS) == {"held": 0, "pending": 0}


def test_two_tabs_save_one_note_and_both_cards_close(
        opened: Page, fresh_demo_backend: DemoBackend, sandbox: SandboxServer,
        page_errors: PageErrors) -> None:
    second = opened.context.new_page()
    watch_errors(second, page_errors)
    second.goto(sandbox.url + "/?locale=" + LOCALE)
    expect(Panel(second).root).to_be_visible(timeout=WAIT_MS)
    wait_until(opened, lambda: len(fresh_demo_backend.requests_for("get_agent_status")) >= 2,
               what="two polls")
    card = known_call(opened, fresh_demo_backend)
    other = Card(second)
    expect(other.root).to_be_visible(timeout=WAIT_MS)
    card.note.fill("from the first tab")
    card.save.click()
    second.evaluate("document.querySelector('.asng-card__save')?.click()")  # maybe disabled or gone
    expect(card.root).to_be_hidden(timeout=WAIT_MS)
    expect(other.root).to_be_hidden(timeout=WAIT_MS)
    opened.wait_for_timeout(500)
    assert notes(sandbox) == ["from the first tab"]
    second.close()


def open_second_tab(opened: Page, backend: DemoBackend, sandbox: SandboxServer,
                    page_errors: PageErrors) -> Page:
    """A second tab of the same browser at the sandbox, both tabs following the agent's status."""
    second = opened.context.new_page()
    watch_errors(second, page_errors)
    second.goto(sandbox.url + "/?locale=" + LOCALE)
    expect(Panel(second).root).to_be_visible(timeout=WAIT_MS)
    wait_until(opened, lambda: len(backend.requests_for("get_agent_status")) >= 2, what="two polls")
    return second


def test_a_second_tab_shows_what_the_first_typed_and_its_skip_keeps_it(
        opened: Page, fresh_demo_backend: DemoBackend, sandbox: SandboxServer,
        page_errors: PageErrors) -> None:
    """Catches a stale copy of the draft in the other tab: typing there replaced the first tab's note
    with its own, and its Skip (or Escape) dropped a draft typed in the first tab."""
    second = open_second_tab(opened, fresh_demo_backend, sandbox, page_errors)
    card = known_call(opened, fresh_demo_backend)
    other = Card(second)
    expect(other.root).to_be_visible(timeout=WAIT_MS)
    card.note.fill("typed in the first tab")
    expect(other.note).to_have_value("typed in the first tab", timeout=WAIT_MS)
    other.note.press("End")
    other.note.press_sequentially(", then the second", delay=10)
    expect(card.note).to_have_value("typed in the first tab, then the second", timeout=WAIT_MS)
    card.task_on.check()
    card.task_text.fill("ring back")
    expect(other.task_on).to_be_checked(timeout=WAIT_MS)
    expect(other.task_text).to_have_value("ring back", timeout=WAIT_MS)
    other.note.press("Escape")  # the first tab changed the draft since: it stays
    expect(other.root).to_be_hidden(timeout=WAIT_MS)
    expect(card.root).to_be_visible()
    assert [i["note"] for i in outbox(opened)["items"]] == ["typed in the first tab, then the second"]
    card.save.click()
    expect(card.root).to_be_hidden(timeout=WAIT_MS)
    assert notes(sandbox) == ["typed in the first tab, then the second"]
    assert [task["text"] for task in state(sandbox)["tasks"]] == ["ring back"]
    second.close()


def test_a_tab_that_starts_the_card_leaves_the_other_tabs_empty_card_alone(
        opened: Page, fresh_demo_backend: DemoBackend, sandbox: SandboxServer,
        page_errors: PageErrors) -> None:
    """Catches the card's start pruning every empty draft: the card another tab shows (nothing
    typed yet) closed there, and every tab got a storage event."""
    card = known_call(opened, fresh_demo_backend)
    opened.evaluate(f"""() => {{ window.__outboxEvents = 0; window.addEventListener('storage', (e) => {{
        if (e.key === '{OUTBOX_KEY}') window.__outboxEvents += 1; }}); }}""")
    second = opened.context.new_page()
    watch_errors(second, page_errors)
    second.goto(sandbox.url + "/?locale=" + LOCALE)
    # The outbox holds the draft: the second tab loads the card at once, whose start adds its styles.
    expect(second.locator("#asng-card-styles")).to_have_count(1, timeout=WAIT_MS)
    second.wait_for_timeout(500)
    expect(card.root).to_be_visible()
    assert len(outbox(opened)["items"]) == 1
    assert opened.evaluate("window.__outboxEvents") == 0
    card.note.fill("still here")
    card.save.click()
    expect(card.root).to_be_hidden(timeout=WAIT_MS)
    assert notes(sandbox) == ["still here"]
    second.close()


def refuse_the_first_task_post(page: Page) -> None:
    """amoCRM answers the card's first ``POST /api/v4/tasks`` with 403 (the note before it is written)."""
    refused: list[str] = []

    def handle(route: Any) -> None:
        if route.request.method == "POST" and not refused:
            refused.append(route.request.url)
            route.fulfill(status=403, content_type="application/json",
                          body=json.dumps({"title": "Forbidden", "status": 403, "detail": "no rights"}))
        else:
            route.continue_()
    page.route("**/api/v4/tasks", handle)


def test_retry_after_a_refused_task_sends_the_task_as_edited_and_locks_the_written_note(
        opened: Page, fresh_demo_backend: DemoBackend, sandbox: SandboxServer) -> None:
    """Catches Retry ignoring the card: the due time chosen after the refusal was not used, and the
    note already written stayed editable (an edit nobody would ever send)."""
    card = known_call(opened, fresh_demo_backend)
    refuse_the_first_task_post(opened)
    card.note.fill("written at once")
    card.task_on.check()
    card.preset("tomorrow").click()
    card.save.click()
    expect(card.status).to_have_text(t("error_auth"), timeout=WAIT_MS)
    assert notes(sandbox) == ["written at once"] and state(sandbox)["tasks"] == []
    expect(card.note).to_be_disabled()
    expect(card.task_text).to_be_enabled()
    card.task_text.fill("ring back within the hour")
    card.preset("hour").click()
    before = int(time.time())
    card.save.click()
    expect(card.root).to_be_hidden(timeout=WAIT_MS)
    after = int(time.time())
    tasks = state(sandbox)["tasks"]
    assert [task["text"] for task in tasks] == ["ring back within the hour"]
    assert before + 3600 - 60 <= tasks[0]["complete_till"] <= after + 3600
    assert notes(sandbox) == ["written at once"]


def test_retry_after_a_refused_note_validates_and_sends_the_card_as_edited(
        opened: Page, fresh_demo_backend: DemoBackend, sandbox: SandboxServer) -> None:
    """Catches Retry skipping Save's path: a task switched on after the refusal was sent without a
    due time, and an emptied card was sent without the check."""
    card = known_call(opened, fresh_demo_backend)
    api(sandbox, "faults", {"kind": "400", "method": "POST", "times": 1})
    card.note.fill("first try")
    card.save.click()
    expect(card.save).to_have_text(t("retry"), timeout=WAIT_MS)
    expect(card.note).to_be_enabled()
    card.note.fill("")
    card.save.click()
    expect(card.status).to_have_text(t("error_empty"))
    card.note.fill("second try")
    card.task_on.check()
    card.preset("hour").click()
    before = int(time.time())
    card.save.click()
    expect(card.root).to_be_hidden(timeout=WAIT_MS)
    after = int(time.time())
    assert notes(sandbox) == ["second try"]
    tasks = state(sandbox)["tasks"]
    assert len(tasks) == 1 and before + 3600 - 60 <= tasks[0]["complete_till"] <= after + 3600


def test_a_page_switch_while_saving_hands_the_save_to_the_new_page(
        opened: Page, fresh_demo_backend: DemoBackend, sandbox: SandboxServer) -> None:
    """Catches a destroyed card still holding the outbox's Web Lock (the new page would never send)."""
    card = known_call(opened, fresh_demo_backend)
    save_while_amocrm_fails(sandbox, card, "saved by the next page", t("error_retrying"))
    opened.evaluate("window.__sandbox.navigate('list')")
    expect(opened.locator("#sandbox-page")).to_have_attribute("data-page", "list")
    card = Card(opened)
    expect(card.indicator).to_have_text(t("unsent_one"), timeout=WAIT_MS)
    api(sandbox, "faults", {"kind": "none"})
    expect(card.indicator).to_be_hidden(timeout=70_000)
    assert notes(sandbox) == ["saved by the next page"]


def test_a_collapsed_panel_opens_for_the_card(opened: Page, fresh_demo_backend: DemoBackend) -> None:
    panel = Panel(opened)
    panel.toggle.click()
    expect(panel.root).to_have_class(re.compile("asng-panel--collapsed"))
    ready(opened, fresh_demo_backend)
    fresh_demo_backend.start_incoming_call(USER_ID, contact_uuid=uuid_of(fresh_demo_backend, IVANOV["name"]))
    expect(panel.call).not_to_have_attribute("hidden", "hidden", timeout=WAIT_MS)  # in a collapsed body
    fresh_demo_backend.remote_hangup(USER_ID)
    card = Card(opened)
    expect(card.note).to_be_visible(timeout=WAIT_MS)
    expect(panel.root).not_to_have_class(re.compile("asng-panel--collapsed"))
