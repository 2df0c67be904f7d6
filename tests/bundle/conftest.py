"""The real script.js in an embedded JavaScript engine (QuickJS) inside a fake amoCRM."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.builds import BuiltWidget
from tests.support.bundle_harness import Harness, settings_text


@pytest.fixture
def fake_amocrm(dev_widget: BuiltWidget) -> Any:
    """A factory of fake amoCRM pages running the real --dev script.js."""

    def make(settings: str | None = settings_text(), install_status: str = "installed") -> Harness:
        return Harness(dev_widget, settings, install_status)

    return make
