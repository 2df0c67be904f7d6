"""The error table (widget_src/core/error_table.py): what the user sees for each protocol error."""

from __future__ import annotations

import pytest

from core import error_table as table
from core.protocol import (
    BadRequest,
    Cancelled,
    IncompatibleVersion,
    InvalidParameters,
    InvalidResponse,
    InvalidSecretKey,
    MethodException,
    NotResponding,
    UnknownMethod,
)
from tests.support.locale_text import text


def english(key: str) -> str:
    """The English text at a dotted key, from the locale file the build ships."""
    return text("en", key)


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (InvalidSecretKey("ping", "x"), table.INVALID_SECRET_KEY),
        (IncompatibleVersion("ping", "x"), table.INCOMPATIBLE_VERSION),
        (NotResponding("ping", "timeout"), table.NOT_AVAILABLE),
        (BadRequest("ping", ""), table.UNKNOWN_ERROR),
        (UnknownMethod("ping", ""), table.UNKNOWN_ERROR),
        (InvalidParameters("ping", ""), table.UNKNOWN_ERROR),
        (InvalidResponse("ping", "unexpected status 500"), table.UNKNOWN_ERROR),
        (MethodException("ping", "PbxError", None), table.UNKNOWN_ERROR),
        (ValueError("a bug"), table.UNKNOWN_ERROR),
        (None, table.UNKNOWN_ERROR),
    ],
)
def test_status_for_error(error: object, status: str) -> None:
    assert table.status_for_error(error) == status


def test_a_cancelled_check_has_no_status() -> None:
    assert table.status_for_error(Cancelled("ping")) is None


@pytest.mark.parametrize(
    ("status", "tone"),
    [
        (table.CONNECTED, table.TONE_OK),
        (table.INVALID_SECRET_KEY, table.TONE_WARNING),
        (table.INCOMPATIBLE_VERSION, table.TONE_WARNING),
        (table.NOT_AVAILABLE, table.TONE_ERROR),
        (table.UNKNOWN_ERROR, table.TONE_ERROR),
        (table.NOT_CONFIGURED, table.TONE_IDLE),
        (table.CHECKING, table.TONE_BUSY),
    ],
)
def test_status_tone(status: str, tone: str) -> None:
    assert table.status_tone(status) == tone



@pytest.mark.parametrize(
    ("error", "key"),
    [
        (BadRequest("ping", ""), "domain.amocrm.errors.bad_request"),
        (InvalidSecretKey("ping", "x"), "domain.amocrm.errors.invalid_secret_key"),
        (IncompatibleVersion("ping", "x"), "domain.amocrm.errors.incompatible_version"),
        (UnknownMethod("ping", ""), "domain.amocrm.errors.unknown_method"),
        (InvalidParameters("ping", ""), "domain.amocrm.errors.invalid_parameters"),
        (NotResponding("ping", "timeout"), "domain.amocrm.errors.not_responding"),
        (InvalidResponse("ping", "unexpected status 500"), "domain.amocrm.errors.invalid_response"),
    ],
)
def test_error_text_is_the_locale_text_of_the_code(error: object, key: str) -> None:
    assert table.error_text(english, error) == english(key)


def test_a_method_exception_names_the_exception() -> None:
    text = table.error_text(english, MethodException("hangup", "PbxError", None))
    assert text == english("domain.amocrm.errors.method_exception") + " (PbxError)"


def test_an_error_without_a_known_code_shows_its_own_message() -> None:
    assert table.error_text(english, ValueError("disk full")) == "disk full"


@pytest.mark.parametrize("status", sorted(table.STATUS_LOOKS))
def test_every_status_has_a_locale_text(status: str) -> None:
    assert table.status_text(english, status) == english(table.STATUS_LOOKS[status][0])


def test_an_unknown_status_reads_as_an_unknown_error() -> None:
    assert table.status_text(english, "bogus") == english("domain.amocrm.settings.status.unknown_error")
    assert table.status_tone("bogus") == table.TONE_IDLE
