"""Read a text input of the build (source, stylesheet, template): UTF-8 without BOM, or a BuildError."""

from __future__ import annotations

from pathlib import Path

from widgetbuild.errors import BuildError

BOM = "\ufeff"


def read_text(path: Path, display: Path | str | None = None) -> str:
    """The text of ``path``; a missing file, bytes that are not UTF-8 or a BOM fail naming the line.

    ``display`` is how the message names the file (default: ``path``).
    """
    where = display or path
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise BuildError(where, "file is missing") from None
    except OSError as error:
        raise BuildError(where, f"cannot read the file ({error.strerror})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise BuildError(where, f"not UTF-8 text ({error.reason}: byte 0x{data[error.start]:02x}); "
                                "save the file as UTF-8", line) from None
    if text.startswith(BOM):
        raise BuildError(where, "starts with a byte-order mark (BOM, U+FEFF): "
                                "save the file as UTF-8 without BOM "
                                "(e.g. sed -i '1s/^\\xEF\\xBB\\xBF//' FILE)", 1)
    return text
