"""Unit tests of the widget's functional core under CPython.

``widget_src`` is not a package: its modules import each other as top-level modules
(``from core.protocol import ...``), so its directory goes on ``sys.path``.
"""

from __future__ import annotations

import sys
from pathlib import Path

WIDGET_SRC = Path(__file__).resolve().parents[2] / "widget_src"
if str(WIDGET_SRC) not in sys.path:
    sys.path.insert(0, str(WIDGET_SRC))
