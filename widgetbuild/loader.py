"""The live loader (``python build.py loader``): an archive for a real amoCRM account whose script.js
loads the real one from the developer's ``serve`` at every page load.

Upload it once; after that ``serve`` rebuilds on every change and a reload of the amoCRM page
runs the new build. Only this archive contains the loader: ``--prod`` and ``--dev`` builds never do.
"""

from __future__ import annotations

import json
from pathlib import Path

from widgetbuild.config import check_http_url
from widgetbuild.errors import BuildError

DEFAULT_DEV_URL = "http://localhost:8800"
# The archive says where it loads from (also for a person reading it: unzip -p widget.zip loader.json).
RECORD_FILE = "loader.json"
SCRIPT_PATH = "/widget/script.js"  # where serve's sandbox serves the current build's script.js
LOADER_MARKER = "AsteriskNG live loader"
_TEMPLATE = Path(__file__).with_name("loader.js")


def check_dev_url(url: str) -> str:
    """``url`` without a trailing slash, if it is an http(s) URL with a host and nothing after the port."""
    parts = check_http_url("--dev-url", url)
    if parts.query or parts.fragment or parts.username or parts.password:
        raise BuildError("--dev-url", f"{url!r}: give only the scheme, host and port of serve")
    return url.rstrip("/")


def loader_script(dev_url: str) -> str:
    """The loader's script.js, loading ``<dev_url>/widget/script.js``."""
    template = _TEMPLATE.read_text(encoding="utf-8")
    return template.replace("__DEV_URL__", json.dumps(dev_url).replace("/", "\\/"))


def loader_record(dev_url: str) -> bytes:
    """The archive's ``loader.json``: the dev URL and the script it loads."""
    record = {"loader": LOADER_MARKER, "dev_url": dev_url, "script": dev_url + SCRIPT_PATH}
    return (json.dumps(record, indent=2) + "\n").encode("utf-8")
