"""The lifecycle rules of docs/behaviour.md §1 on the real bundle, counted with the fake's timers."""

from __future__ import annotations

from tests.support.bundle_harness import SERVER, ok, settings_text

NOT_IN_CALL = {"status": "NOT_CONVERSATION"}


def test_start_runs_one_poll_and_one_monitor(fake_amocrm) -> None:
    p = fake_amocrm()
    p.start()
    assert p.methods() == ["get_agent_status"]
    # the poll's deadline and the monitor's 5 s interval
    assert sorted(p.value("harness.timers()"), key=lambda t: t["every"]) == [
        {"at": 10000, "every": 0}, {"at": 5000, "every": 5000}]


def test_repeated_start_callbacks_start_nothing_twice(fake_amocrm) -> None:
    p = fake_amocrm()
    widget = p.start()
    for name in ("render", "init", "bind_actions", "render"):
        assert p.callback(widget, name) is True
    assert p.methods() == ["get_agent_status"]
    assert p.timer_count() == 2
    assert len(p.value("harness.log.actions.phone")) == 1


def test_destroy_stops_every_timer_and_ignores_the_late_answer(fake_amocrm) -> None:
    p = fake_amocrm()
    widget = p.start()
    assert p.callback(widget, "destroy") is True
    assert p.timer_count() == 0
    p.respond(p.polls()[0], ok(NOT_IN_CALL))
    p.advance(60_000)
    assert p.methods() == ["get_agent_status"]
    assert p.timer_count() == 0


def test_render_after_destroy_brings_back_exactly_one_poll(fake_amocrm) -> None:
    p = fake_amocrm()
    widget = p.start()
    p.callback(widget, "destroy")
    assert p.callback(widget, "render") is True  # amoCRM may call only render on the next area
    assert p.methods() == ["get_agent_status", "get_agent_status"]
    p.answer_recent()
    assert p.timer_count() == 2
    p.respond(p.polls()[1], ok({"status": "CONVERSATION", "call_info": None}))
    p.advance(200)  # the least gap after a change
    assert p.methods() == ["get_agent_status"] * 3
    ids = [p.envelope(i)["content"]["id"] for i in p.polls()]
    assert ids == sorted(ids) and len(set(ids)) == 3


def test_many_render_destroy_cycles_leave_nothing_behind(fake_amocrm) -> None:
    p = fake_amocrm()
    widget = p.start()
    for _ in range(20):
        p.callback(widget, "destroy")
        p.callback(widget, "render")
        p.callback(widget, "init")
        p.callback(widget, "bind_actions")
    p.answer_recent()
    assert p.timer_count() == 2
    p.callback(widget, "destroy")
    assert p.timer_count() == 0
    assert len(p.value("harness.log.actions.phone")) == 1


def test_not_configured_install_does_nothing(fake_amocrm) -> None:
    p = fake_amocrm(install_status="not_configured")
    widget = p.start()
    assert p.callback(widget, "destroy") is True
    assert p.requests() == []
    assert p.timer_count() == 0
    assert p.log("statuses") == []


def test_invalid_settings_json_sets_error_status_and_runs_minimal(fake_amocrm) -> None:
    p = fake_amocrm(settings="{not json")
    p.start()
    assert p.requests() == []
    assert p.timer_count() == 0
    assert p.log("statuses") == ["error", "error", "error"]
    assert p.log("errors") == []


def test_missing_settings_field_sets_error_status(fake_amocrm) -> None:
    p = fake_amocrm(settings=None)
    p.start()
    assert p.requests() == []
    assert p.log("statuses")[0] == "error"


def test_error_status_is_not_shown_for_a_widget_that_is_not_installed(fake_amocrm) -> None:
    p = fake_amocrm(settings="[]", install_status="install")
    p.start()
    assert p.log("statuses") == []


def test_empty_address_means_not_configured_yet(fake_amocrm) -> None:
    p = fake_amocrm(settings=settings_text(address="", key=""))
    p.start()
    assert p.requests() == []
    assert p.timer_count() == 0


def test_on_save_switches_to_the_new_settings_without_reload(fake_amocrm) -> None:
    p = fake_amocrm()
    widget = p.start()
    new = settings_text(address="https://other.example.com/ng?tenant=5", key="k&y")
    assert p.callback(widget, "onSave", {"active": "Y", "fields": {"jsonSettings": new}}) is True
    p.answer_recent()
    assert p.requests()[p.polls()[1]]["url"] == "https://other.example.com/ng?tenant=5&secret_key=k%26y"
    p.respond(p.polls()[0], ok({"status": "CONVERSATION"}))  # the old session's answer: ignored
    assert p.methods() == ["get_agent_status"] * 2
    assert p.timer_count() == 2
    assert p.log("statuses")[-1] == "installed"


def test_on_save_reads_stored_settings_when_the_event_has_none(fake_amocrm) -> None:
    p = fake_amocrm()
    widget = p.start()
    p.configure(settings={"jsonSettings": settings_text(show_panel=False)})
    p.callback(widget, "onSave", {})
    assert p.timer_count() == 1  # only the monitor: no panel, no poll


def test_on_save_of_a_disabled_widget_stops_it(fake_amocrm) -> None:
    p = fake_amocrm()
    widget = p.start()
    p.callback(widget, "onSave", {"active": "N", "fields": {"jsonSettings": settings_text()}})
    assert p.timer_count() == 0


def test_on_save_with_broken_settings_stops_and_reports_error(fake_amocrm) -> None:
    p = fake_amocrm()
    widget = p.start()
    p.callback(widget, "onSave", {"active": "Y", "fields": {"jsonSettings": "{"}})
    assert p.timer_count() == 0
    assert p.log("statuses")[-1] == "error"


def test_hidden_panel_means_no_status_poll(fake_amocrm) -> None:
    p = fake_amocrm(settings=settings_text(show_panel=False))
    p.start()
    assert p.requests() == []
    assert p.timer_count() == 1


def test_a_failure_inside_a_callback_returns_true_and_sets_error(fake_amocrm) -> None:
    p = fake_amocrm()
    p.run("harness.configure({}); var __orig = null;")
    widget = p.new_widget()
    p.run(f"harness.widgets[{widget}].get_settings = function () {{ throw new TypeError('amoCRM broke'); }}")
    assert p.callback(widget, "render") is True
    assert p.log("statuses") == ["error"]
    assert p.log("errors") == ["[AsteriskNG] render TypeError: amoCRM broke"]


def test_request_carries_user_version_and_the_form_field(fake_amocrm) -> None:
    p = fake_amocrm()
    p.start()
    request = p.requests()[p.polls()[0]]
    assert request["url"] == SERVER + "?secret_key=AsteriskNG"
    assert request["type"] == "json"
    assert list(request["data"]) == ["json"]
    envelope = p.envelope(p.polls()[0])
    assert envelope["headers"] == {"amouser_email": "agent@example.com", "amouser_id": 7461242,
                                   "widget_version": "1.0.0"}
    assert envelope["content"]["jsonrpc"] == "2.0"
    assert envelope["content"]["params"] == {"current_status": NOT_IN_CALL}


def test_panel_is_mounted_once_and_removed_with_its_listeners(fake_amocrm) -> None:
    p = fake_amocrm()
    baseline = p.run("fakeDom.listenerCount()")
    widget = p.start()
    listeners = p.run("fakeDom.listenerCount()")
    assert p.run("fakeDom.panels()") == 1
    assert listeners > baseline
    for _ in range(5):
        p.callback(widget, "destroy")
        assert p.run("fakeDom.panels()") == 0
        assert p.run("fakeDom.listenerCount()") == baseline
        assert p.run("fakeDom.nodeCount()") == 0
        for name in ("render", "init", "bind_actions"):
            p.callback(widget, name)
        assert p.run("fakeDom.panels()") == 1
        assert p.run("fakeDom.listenerCount()") == listeners
    # the stylesheet is injected once, whatever the number of mounts
    assert p.run("document.head.childNodes.length") == 1


def test_hidden_panel_setting_mounts_no_panel(fake_amocrm) -> None:
    p = fake_amocrm(settings=settings_text(show_panel=False))
    p.start()
    assert p.run("fakeDom.panels()") == 0


def test_two_widgets_of_one_user_share_one_poll_and_hand_it_over(fake_amocrm) -> None:
    # Two widget instances in one page stand for two tabs: they share the fake's Web Locks.
    p = fake_amocrm()
    first = p.start()
    second = p.start()
    assert p.methods() == ["get_agent_status"]  # the second follows
    assert p.value("navigator.locks.held()") != []
    p.callback(first, "destroy")  # the leader goes: its lock is released, the follower takes over
    assert p.methods() == ["get_agent_status"] * 2
    assert p.polls()[1] in p.pending()
    p.callback(second, "destroy")
    assert p.value("navigator.locks.held()") == []
    assert p.run("fakeDom.channels()") == 0
    assert p.timer_count() == 0


def test_a_kept_status_is_shown_before_the_first_poll_answers(fake_amocrm) -> None:
    p = fake_amocrm()
    widget = p.start()
    call = {"status": "CONVERSATION", "call_info": {"unique_id": "u1", "contact_name": "Ann Lee",
                                                     "contact_phone": "79161234567", "timestamp": 1}}
    p.respond(p.polls()[0], ok(call))
    p.callback(widget, "destroy")
    p.callback(widget, "render")  # a page switch: the new session shows the call at once
    assert p.value("fakeDom.text('asng-call__name')") == "Ann Lee"
    assert len(p.pending()) >= 1 and p.envelope(p.polls()[1])["content"]["params"]["current_status"] == call
