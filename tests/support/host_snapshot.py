"""What the widget may not change on the host page: its globals and the built-ins' enumerable members.

:func:`snapshot_before_widget` records the page just before the widget's script loads (the
sandbox calls ``window.__sandboxBeforeWidget`` then); :func:`host_changes` compares the page now.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

SNAPSHOT_JS = """() => {
    const protos = {Array: Array.prototype, String: String.prototype, Object: Object.prototype,
                    Function: Function.prototype, Number: Number.prototype, Boolean: Boolean.prototype};
    const shot = {globals: Object.getOwnPropertyNames(window).sort(), protos: {}};
    for (const [name, proto] of Object.entries(protos)) {
        shot.protos[name] = Object.getOwnPropertyNames(proto).sort().map((key) => {
            const d = Object.getOwnPropertyDescriptor(proto, key);
            return key + (d.enumerable ? ' enumerable' : '');
        });
    }
    shot.forIn = [];
    for (const key in []) shot.forIn.push('Array.' + key);
    for (const key in new String('')) shot.forIn.push('String.' + key);
    for (const key in {}) shot.forIn.push('Object.' + key);
    return shot;
}"""


def snapshot_before_widget(page: Page) -> None:
    """Arrange for the host page to be recorded just before the widget loads (call before opening it)."""
    page.add_init_script("window.__sandboxBeforeWidget = () => { window.__beforeWidget = ("
                         + SNAPSHOT_JS + ")(); };")


def host_changes(page: Page) -> dict[str, Any]:
    """New globals, anything ``for…in`` sees on built-ins, and members made enumerable since the snapshot."""
    before = page.evaluate("window.__beforeWidget")
    now = page.evaluate(SNAPSHOT_JS)
    return {"new globals": sorted(set(now["globals"]) - set(before["globals"]) - {"__beforeWidget"}),
            "for-in": now["forIn"],
            "enumerable": {name: sorted(set(keys) - set(before["protos"][name])) for name, keys in
                           now["protos"].items() if [k for k in set(keys) - set(before["protos"][name])
                                                     if k.endswith(" enumerable")]}}
