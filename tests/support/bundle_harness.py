"""The real script.js in an embedded JavaScript engine (QuickJS) inside a fake amoCRM page.

The fake DOM and the harness's JavaScript live beside the bundle tests.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import quickjs

from tests.support.builds import BuiltWidget

BUNDLE_TESTS = Path(__file__).resolve().parents[1] / "bundle"
HARNESS = ((BUNDLE_TESTS / "fake_dom.js").read_text(encoding="utf-8")
           + (BUNDLE_TESTS / "harness.js").read_text(encoding="utf-8"))
SERVER = "https://pbx.example.com/asterisk_ng"


def settings_text(address: str = SERVER, key: str = "AsteriskNG", show_panel: bool = True,
                  notifications: bool = True) -> str:
    """The stored settings JSON, as amoCRM keeps it."""
    return json.dumps({"server": {"serverAddress": address, "secretKey": key},
                       "amocrm": {"showPanel": show_panel, "enableNotification": notifications}})


def ok(result: Any) -> dict[str, Any]:
    """A successful protocol response."""
    return {"headers": {"status_code": 200, "detail": "success"},
            "content": {"jsonrpc": "2.0", "id": 1, "result": {"result": result, "exception": None,
                                                               "exception_params": None}}}


def status(code: int | str) -> dict[str, Any]:
    """A response with only a status code."""
    return {"headers": {"status_code": code, "detail": "x"}}


class Harness:
    """One page: the bundle loaded once, widgets created with ``new``, virtual time."""

    def __init__(self, widget: BuiltWidget, settings: str | None = None, install_status: str = "installed",
                 prelude: str = "") -> None:
        self.ctx = quickjs.Context()
        self.ctx.eval(HARNESS)
        self.ctx.eval(prelude)  # what the host page did before amoCRM loaded the widget
        self.ctx.eval(widget.script)
        i18n = json.loads(widget.text("i18n/en.json"))
        self.configure(i18n=i18n, installStatus=install_status,
                       settings={"jsonSettings": settings} if settings is not None else {})
        self.ctx.eval("harness.setup()")

    def run(self, code: str) -> Any:
        """Evaluate ``code``, then run every promise job it queued."""
        value = self.ctx.eval(code)
        self.drain()
        return value

    def value(self, expression: str) -> Any:
        """A JSON-able expression's value in Python."""
        return json.loads(self.run(f"JSON.stringify({expression})"))

    def drain(self) -> None:
        while self.ctx.execute_pending_job():
            pass

    def configure(self, **config: Any) -> None:
        self.run(f"harness.configure({json.dumps(config)})")

    def new_widget(self) -> int:
        return self.run("harness.newWidget()")

    def callback(self, widget: int, name: str, argument: Any = None) -> Any:
        return self.value(f"harness.callback({widget}, {json.dumps(name)}, {json.dumps(argument)})")

    def start(self) -> int:
        """A widget after amoCRM's usual start: render, init, bind_actions.

        The panel asks for the recent contacts when it mounts; that request is answered
        with an empty list here so tests see only the requests they are about.
        """
        widget = self.new_widget()
        for name in ("render", "init", "bind_actions"):
            assert self.callback(widget, name) is True
        self.answer_recent()
        return widget

    def answer_recent(self) -> None:
        for index in self.pending():
            if self.envelope(index)["content"]["method"] == "get_last_contacts":
                self.respond(index, ok([]))

    def advance(self, ms: int) -> None:
        """Let ``ms`` of virtual time pass, running timers and promise jobs in order."""
        until = self.run("harness.now()") + ms
        while self.run(f"harness.step({until})"):
            pass

    def requests(self) -> list[dict[str, Any]]:
        return self.value("harness.requests()")

    def envelope(self, index: int) -> dict[str, Any]:
        return json.loads(self.requests()[index]["data"]["json"])

    def methods(self) -> list[str]:
        """The methods of every request so far, except the panel's recent-contacts loads."""
        return [m for m in self.all_methods() if m != "get_last_contacts"]

    def all_methods(self) -> list[str]:
        return [json.loads(r["data"]["json"])["content"]["method"] for r in self.requests()]

    def polls(self) -> list[int]:
        """Indexes of the get_agent_status requests."""
        return [i for i, m in enumerate(self.all_methods()) if m == "get_agent_status"]

    def pending(self) -> list[int]:
        return [i for i, r in enumerate(self.requests()) if not r["answered"]]

    def respond(self, index: int, body: Any) -> None:
        self.run(f"harness.respond({index}, {json.dumps(body)})")

    def respond_text(self, index: int, text: str) -> None:
        self.run(f"harness.respond({index}, {json.dumps(text)})")

    def fail(self, index: int, text_status: str = "error") -> None:
        self.run(f"harness.fail({index}, {json.dumps(text_status)})")

    def timer_count(self) -> int:
        return self.run("harness.timerCount()")

    def log(self, part: str) -> Any:
        return self.value(f"harness.log.{part}")
