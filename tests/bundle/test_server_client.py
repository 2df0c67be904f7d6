"""The protocol client inside the real bundle: envelopes, errors, deadlines, backoff, monitor."""

from __future__ import annotations

import itertools
import json

import pytest

from tests.support.bundle_harness import ok, settings_text, status

IN_CALL = {"status": "CONVERSATION", "call_info": {
    "unique_id": "1669391112.43", "contact_name": "Rose Peters", "contact_id": 4183,
    "contact_phone": "79161234567", "is_hold": False, "is_mute": False, "timestamp": 1669391112}}

METHODS = [
    ("ping()", "ping", {}),
    ("originate('79160001122')", "originate", {"phone": "79160001122"}),
    ("originate_by_contact('c-17')", "originate_by_contact", {"contact_uuid": "c-17"}),
    ("redirect('105')", "redirect", {"phone": "105"}),
    ("hangup()", "hangup", {}),
    ("set_mute(true)", "set_mute", {"is_mute": True}),
    ("set_hold(false)", "set_hold", {"is_hold": False}),
    ("get_contacts('ros', 10)", "get_contacts", {"start_with": "ros", "max_results": 10}),
    ("get_last_contacts(10)", "get_last_contacts", {"max_results": 10}),
    ("get_agent_status({status: 'NOT_CONVERSATION'})", "get_agent_status",
     {"current_status": {"status": "NOT_CONVERSATION"}}),
]


def call(p, expression: str) -> None:
    """Start a client call; its outcome lands in harness.out."""
    p.run("harness.out = null; harness.widgets[0].asteriskng.session.client." + expression +
          ".then(function (v) { harness.out = {ok: v === undefined ? null : v}; },"
          " function (e) { harness.out = {error: e.code || String(e), method: e.method,"
          " name: e.exception_name || null, params: e.params || null}; });")


def out(p):
    return p.value("harness.out")


@pytest.fixture
def idle(fake_amocrm):
    """A widget without the status poll (panel hidden), so requests are only the test's."""
    p = fake_amocrm(settings=settings_text(show_panel=False))
    p.start()
    return p


@pytest.mark.parametrize(("expression", "method", "params"), METHODS)
def test_every_method_sends_its_exact_envelope(idle, expression, method, params) -> None:
    call(idle, expression)
    request = idle.requests()[-1]
    assert list(request["data"]) == ["json"]
    envelope = json.loads(request["data"]["json"])
    assert envelope == {
        "headers": {"amouser_email": "agent@example.com", "amouser_id": 7461242, "widget_version": "1.0.0"},
        "content": {"id": envelope["content"]["id"], "jsonrpc": "2.0", "method": method, "params": params},
    }
    assert isinstance(envelope["content"]["id"], int)


def test_ids_increase_with_every_request(idle) -> None:
    for _ in range(3):
        call(idle, "hangup()")
    ids = [idle.envelope(i)["content"]["id"] for i in range(3)]
    assert ids[1] == ids[0] + 1 and ids[2] == ids[1] + 1


@pytest.mark.parametrize(("code", "expected"), [
    (400, "bad_request"), (401, "invalid_secret_key"), ("404", "unknown_method"),
    (409, "incompatible_version"), ("410", "invalid_parameters"), (500, "invalid_response"),
    (502, "invalid_response"), (408, "invalid_response"),
])
def test_status_codes_become_typed_errors(idle, code, expected) -> None:
    call(idle, "set_hold(true)")
    idle.respond(0, status(code))
    assert out(idle)["error"] == expected
    assert out(idle)["method"] == "set_hold"


def test_success_resolves_with_the_result(idle) -> None:
    call(idle, "get_contacts('a', 2)")
    idle.respond(0, ok([{"uuid": "1", "name": "A", "phone": "1"}]))
    assert out(idle) == {"ok": [{"uuid": "1", "name": "A", "phone": "1"}]}


def test_status_code_as_string_200_is_success(idle) -> None:
    call(idle, "ping()")
    body = ok({"ping": "pong"})
    body["headers"]["status_code"] = "200"
    idle.respond(0, body)
    assert out(idle) == {"ok": {"ping": "pong"}}


@pytest.mark.parametrize("result", [
    {"exception": "NotInConversation", "exception_params": {"phone": "1"}, "result": None},
    {"exception_name": "NotInConversation"},
])
def test_both_exception_forms_reject_with_name(idle, result) -> None:
    call(idle, "hangup()")
    idle.respond(0, {"headers": {"status_code": 200}, "content": {"result": result}})
    assert out(idle)["error"] == "method_exception"
    assert out(idle)["name"] == "NotInConversation"


def test_non_json_body_is_an_invalid_response(idle) -> None:
    call(idle, "hangup()")
    idle.fail(0, "parsererror")
    assert out(idle)["error"] == "invalid_response"


def test_plain_text_body_is_decoded_or_rejected(idle) -> None:
    call(idle, "hangup()")
    idle.respond_text(0, "<html>502</html>")
    assert out(idle)["error"] == "invalid_response"
    call(idle, "hangup()")
    idle.respond_text(1, json.dumps(ok(None)))
    assert out(idle) == {"ok": None}


def test_proxy_failure_is_not_responding(idle) -> None:
    call(idle, "hangup()")
    idle.fail(0, "error")
    assert out(idle)["error"] == "not_responding"


@pytest.mark.parametrize(("expression", "deadline"), [("ping()", 3000), ("hangup()", 10000)])
def test_deadline_rejects_and_a_late_answer_is_ignored(idle, expression, deadline) -> None:
    call(idle, expression)
    idle.advance(deadline - 1)
    assert out(idle) is None
    idle.advance(1)
    assert out(idle)["error"] == "not_responding"
    idle.respond(0, ok(None))  # settled once: the late answer changes nothing
    assert out(idle)["error"] == "not_responding"


def test_answer_clears_the_deadline_timer(idle) -> None:
    before = idle.timer_count()
    call(idle, "hangup()")
    assert idle.timer_count() == before + 1
    idle.respond(0, ok(None))
    assert idle.timer_count() == before


def test_error_after_answer_is_ignored(idle) -> None:
    call(idle, "hangup()")
    idle.respond(0, ok(None))
    idle.run("harness.log.requests[0].error({}, 'error', '')")
    assert out(idle) == {"ok": None}


def test_destroy_rejects_pending_requests_as_cancelled(idle) -> None:
    call(idle, "hangup()")
    idle.callback(0, "destroy")
    assert out(idle) == {"error": "cancelled", "method": "hangup", "name": None, "params": None}
    assert idle.timer_count() == 0


# --- the status poll -------------------------------------------------------------------


def poll_gaps(p):
    """Milliseconds between consecutive get_agent_status requests."""
    requests = p.requests()
    times = [requests[i]["at"] for i in p.polls()]
    return [b - a for a, b in itertools.pairwise(times)]


def test_poll_sends_back_the_last_status_unchanged(fake_amocrm) -> None:
    p = fake_amocrm()
    p.start()
    odd = dict(IN_CALL, extra_field={"kept": True})
    p.respond(p.polls()[0], ok(odd))
    p.advance(200)
    assert p.envelope(p.polls()[1])["content"]["params"] == {"current_status": odd}


def test_poll_408_and_unchanged_answers_poll_again_after_a_second(fake_amocrm) -> None:
    p = fake_amocrm()
    p.start()
    p.advance(3000)  # the server held the poll: the next one goes at once
    p.respond(p.polls()[0], status(408))
    p.respond(p.polls()[1], ok({"status": "NOT_CONVERSATION"}))  # an instant answer without news
    assert p.methods() == ["get_agent_status"] * 2
    p.advance(999)
    assert p.methods() == ["get_agent_status"] * 2
    p.advance(1)
    assert p.methods() == ["get_agent_status"] * 3
    assert poll_gaps(p) == [3000, 1000]


def test_a_backend_answering_at_once_is_not_flooded(fake_amocrm) -> None:
    p = fake_amocrm()
    p.start()
    for _ in range(50):  # 5 s of a backend answering every poll at once
        if p.polls()[-1] in p.pending():
            p.respond(p.polls()[-1], status(408))
        p.advance(100)
    assert len(p.polls()) == 6  # one a second, not hundreds


def test_a_changed_status_is_followed_quickly(fake_amocrm) -> None:
    p = fake_amocrm()
    p.start()
    p.respond(p.polls()[0], ok(IN_CALL))
    p.advance(199)
    assert len(p.polls()) == 1
    p.advance(1)
    assert len(p.polls()) == 2


def wait_for_request(p) -> int:
    """Let time pass until the widget sends its next request; its index."""
    count = len(p.requests())
    for _ in range(600):
        p.advance(100)
        if len(p.requests()) > count:
            return count
    raise AssertionError("no request within 60 s")


def fail_and_wait_for_retry(p) -> None:
    """Fail the pending poll at once, then let time pass until the widget polls again."""
    p.fail(p.pending()[0], "error")
    wait_for_request(p)


def test_poll_backs_off_exponentially_then_recovers(fake_amocrm) -> None:
    p = fake_amocrm()
    p.start()
    for _ in range(9):
        fail_and_wait_for_retry(p)
    assert poll_gaps(p) == [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]
    p.advance(5000)
    p.respond(p.pending()[-1], ok({"status": "NOT_CONVERSATION"}))  # answered after a held poll
    fail_and_wait_for_retry(p)
    assert poll_gaps(p)[-2:] == [5000, 500]


def test_a_408_after_an_outage_is_a_success(fake_amocrm) -> None:
    """A long poll that ends with 408 means the server works: the backoff restarts and the panel's
    connection message goes (a bug that counted 408 as neither would keep a 16 s gap and the line)."""
    p = fake_amocrm()
    p.start()
    for _ in range(6):
        fail_and_wait_for_retry(p)
    assert p.run("fakeDom.find('asng-panel__problem').getAttribute('hidden')") is None
    p.respond(p.pending()[0], status(408))
    assert p.run("fakeDom.find('asng-panel__problem').getAttribute('hidden')") is not None
    wait_for_request(p)
    fail_and_wait_for_retry(p)
    assert poll_gaps(p)[-1] == 500


def test_poll_deadline_counts_as_failure_and_retries(fake_amocrm) -> None:
    p = fake_amocrm()
    p.start()
    p.advance(10_000)
    assert p.methods() == ["get_agent_status"]
    p.advance(500)
    assert p.methods() == ["get_agent_status"] * 2


# --- Click2Call ------------------------------------------------------------------------


def test_click_to_call_originates_the_clicked_number(fake_amocrm) -> None:
    p = fake_amocrm(settings=settings_text(show_panel=False))
    p.start()
    p.run("harness.clickPhone('+7 916 123-45-67')")
    assert p.methods() == ["originate"]
    assert p.envelope(0)["content"]["params"] == {"phone": "+7 916 123-45-67"}
    p.respond(0, ok(None))
    assert p.log("notifications") == []


def test_click_to_call_failure_is_shown_in_amocrm(fake_amocrm) -> None:
    p = fake_amocrm(settings=settings_text(show_panel=False))
    p.start()
    p.run("harness.clickPhone('105')")
    p.respond(0, status(401))
    notes = p.log("notifications")
    assert [(n["type"], n["header"], n["text"]) for n in notes] == [
        ("error", "The call could not be started", "105: Invalid secret key.")]


def test_click_to_call_method_exception_names_it(fake_amocrm) -> None:
    p = fake_amocrm(settings=settings_text(show_panel=False))
    p.start()
    p.run("harness.clickPhone('105')")
    p.respond(0, {"headers": {"status_code": 200},
                  "content": {"result": {"exception_name": "AlreadyInConversation"}}})
    assert p.log("notifications")[0]["text"] == (
        "105: The server could not carry out the command. (AlreadyInConversation)")


def test_click_to_call_ignored_while_destroyed(fake_amocrm) -> None:
    p = fake_amocrm(settings=settings_text(show_panel=False))
    widget = p.start()
    p.callback(widget, "destroy")
    p.run("harness.clickPhone('105')")
    assert p.requests() == []


# --- server monitor --------------------------------------------------------------------


def fail_everything_for(p, ms):
    end = p.run("harness.now()") + ms
    while p.run("harness.now()") < end:
        for index in p.pending():
            p.fail(index, "error")
        p.advance(min(250, end - p.run("harness.now()")))


def test_dead_server_notifies_once_per_notification_delay(fake_amocrm) -> None:
    p = fake_amocrm()
    p.start()
    fail_everything_for(p, 5000)
    notes = p.log("notifications")
    assert [(n["header"], n["text"]) for n in notes] == [
        ("Server error.", "The server stopped responding to requests.")]
    fail_everything_for(p, 290_000)
    assert len(p.log("notifications")) == 1
    fail_everything_for(p, 15_000)
    assert len(p.log("notifications")) == 2
    assert p.log("notifications")[1]["at"] - notes[0]["at"] == 300_000


def test_no_notification_when_disabled(fake_amocrm) -> None:
    p = fake_amocrm(settings=settings_text(notifications=False))
    p.start()
    fail_everything_for(p, 20_000)
    assert p.log("notifications") == []


def test_long_poll_timeouts_are_successes_for_the_monitor(fake_amocrm) -> None:
    p = fake_amocrm()
    p.start()
    for _ in range(10):
        p.respond(p.polls()[-1], status(408))
        p.advance(1000)
        p.respond(p.polls()[-1], ok({"status": "NOT_CONVERSATION"}))
        p.advance(1000)
    assert p.log("notifications") == []


def test_recovery_after_the_server_comes_back(fake_amocrm) -> None:
    p = fake_amocrm()
    p.start()
    fail_everything_for(p, 6000)
    assert len(p.log("notifications")) == 1
    p.respond(wait_for_request(p), ok(IN_CALL))
    p.advance(200)
    assert p.envelope(p.polls()[-1])["content"]["params"]["current_status"] == IN_CALL
    for _ in range(30):  # the server answers again: long polls ending without news
        p.advance(9_000)
        p.respond(p.polls()[-1], ok(IN_CALL))
    assert len(p.log("notifications")) == 1
    assert p.timer_count() == 3  # the poll's deadline, the monitor, the panel's call timer


def test_coming_back_online_polls_at_once_instead_of_waiting(fake_amocrm) -> None:
    p = fake_amocrm()
    p.start()
    for _ in range(6):  # backoff grows to 16 s
        fail_and_wait_for_retry(p)
    p.fail(p.pending()[0], "error")
    polls = len(p.polls())
    p.advance(100)
    assert len(p.polls()) == polls
    p.run("window.dispatch('online', {})")
    assert len(p.polls()) == polls + 1
    p.fail(p.pending()[0], "error")  # and the backoff starts again from 0.5 s
    p.advance(500)
    assert len(p.polls()) == polls + 2


def test_notification_delay_holds_across_page_switches(fake_amocrm) -> None:
    p = fake_amocrm()
    widget = p.start()
    fail_everything_for(p, 5000)
    assert len(p.log("notifications")) == 1
    for _ in range(3):  # amoCRM navigation: destroy, then render again
        p.callback(widget, "destroy")
        p.callback(widget, "render")
        fail_everything_for(p, 6000)
    assert len(p.log("notifications")) == 1


def test_answers_refusing_a_command_are_not_server_failures(idle) -> None:
    for index in range(4):
        call(idle, "set_hold(true)")
        idle.respond(index, status(404) if index % 2 else {
            "headers": {"status_code": 200},
            "content": {"result": {"exception_name": "AlreadyInConversation"}}})
    idle.advance(5000)
    assert idle.log("notifications") == []


def test_click_to_call_without_settings_says_the_widget_is_not_configured(fake_amocrm) -> None:
    p = fake_amocrm(settings=settings_text(address="", key=""))
    p.start()
    p.run("harness.clickPhone('105')")
    assert p.requests() == []
    assert [(n["header"], n["text"]) for n in p.log("notifications")] == [
        ("The call could not be started",
         "105: The widget is not configured: enter the server address and key in its settings.")]
