"""Builds the host page: the page config (JSON) and the HTML template filled with it."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sandbox.archive import ArchiveSnapshot
from sandbox.defaults import DEMO_SECRET, DEMO_USER_NAME
from sandbox.demo_backend.phonebook import Contact

STATIC_DIR = Path(__file__).resolve().parent / "static"
HOST_DIR = STATIC_DIR / "host"
VENDOR_DIR = STATIC_DIR / "vendor"
TEMPLATE = HOST_DIR / "index.html"
CONFIG_PLACEHOLDER = "__SANDBOX_CONFIG_JSON__"

# amoCRM generates the widget code on upload; the sandbox uses a fixed one.
WIDGET_CODE = "asteriskng_sandbox"
# Where the page finds the archive's files; also what get_settings().path returns.
WIDGET_PATH = "/widget"
# The contacts list page shows this many phonebook entries; the card shows the first one.
LISTED_CONTACTS = 10
# amoCRM shows a company next to a contact; the phonebook has none, so the page adds one.
# The emulated platforms: amoCRM has the global APP and its deprecated twin AMOCRM; Kommo only APP.
PLATFORMS = ("amocrm", "kommo")
COMPANIES = ("Ромашка", "Acme Corp", "Вектор", "Globex", "Север", "Initech", "Umbrella", "Hooli")


@dataclass(frozen=True)
class HostUser:
    """The amoCRM user the page pretends to be logged in as."""

    id: int
    email: str
    name: str = DEMO_USER_NAME


def control_url_for(backend_url: str) -> str:
    """The demo backend's control API root: the backend URL's origin + ``/control``."""
    parts = urllib.parse.urlsplit(backend_url)
    return f"{parts.scheme}://{parts.netloc}/control"


def default_settings_value(backend_url: str) -> str:
    """The setting string a fresh page starts with: our widget's JSON settings for ``backend_url``."""
    return json.dumps(
        {
            "server": {"serverAddress": backend_url, "secretKey": DEMO_SECRET},
            "amocrm": {"showPanel": True, "enableNotification": True},
        }
    )


def page_contacts(contacts: Sequence[Contact]) -> list[dict[str, Any]]:
    """The first phonebook entries as the page lists them, so calling one shows a known name."""
    return [
        {"id": c.contact_id, "name": c.name, "phone": "+" + c.phone, "company": COMPANIES[i % len(COMPANIES)]}
        for i, c in enumerate(contacts[:LISTED_CONTACTS])
    ]


def build_config(
    snapshot: ArchiveSnapshot | None,
    *,
    backend_url: str,
    user: HostUser,
    locale: str,
    platform: str = "amocrm",
    contacts: Sequence[Contact] = (),
    archive_error: str | None = None,
) -> dict[str, Any]:
    """The JSON config the page script (``amocrm.js``) boots from.

    With ``snapshot=None`` (archive broken) the config carries only ``archiveError`` and the
    context, so the page can show the reason instead of a widget.
    """
    config: dict[str, Any] = {
        "backendUrl": backend_url,
        "controlUrl": control_url_for(backend_url),
        "controlRelay": "/sandbox/control",
        "proxyPath": "/proxy",
        "user": {"id": user.id, "email": user.email, "login": user.email, "name": user.name},
        "widgetCode": WIDGET_CODE,
        "widgetPath": WIDGET_PATH,
        "defaultSettings": default_settings_value(backend_url),
        "contacts": page_contacts(contacts),
        "archiveError": archive_error,
        "platform": platform,
    }
    if snapshot is None:
        config.update(locale=locale, locales=[], i18n={}, settingsField=None, settingsFields=[],
                      widgetVersion="", scriptUrl=None, manifest={}, images=[])
        return config
    chosen = snapshot.pick_locale(locale)
    config.update(
        locale=chosen,
        locales=snapshot.locales,
        i18n=snapshot.i18n(chosen),
        settingsField=snapshot.settings_field,
        settingsFields=snapshot.settings_fields,
        widgetVersion=snapshot.version,
        # The mtime in the URL makes RequireJS fetch a rebuilt script.js after a reload.
        scriptUrl=f"{WIDGET_PATH}/script.js?v={snapshot.mtime_ns}",
        manifest=snapshot.manifest,
        images=sorted(n[len("images/") :] for n in snapshot.files if n.startswith("images/")),
    )
    return config


def render_page(config: dict[str, Any]) -> bytes:
    """The host page HTML with ``config`` embedded as inline JSON."""
    # Escape the characters that could close the <script> element or start markup, so any
    # string from the archive (i18n, manifest) stays inert inside the JSON block.
    blob = (
        json.dumps(config, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )
    return TEMPLATE.read_text(encoding="utf-8").replace(CONFIG_PLACEHOLDER, blob).encode("utf-8")
