"""Write ``widget.zip``: amoCRM's layout at the archive root, byte-identical for equal inputs."""

from __future__ import annotations

import io
import zipfile

from widgetbuild.errors import BuildError

# amoCRM refuses files above 300 KB; a fixed date keeps rebuilds byte-identical.
MAX_FILE_BYTES = 300 * 1024
FIXED_DATE = (2020, 1, 1, 0, 0, 0)


def check_sizes(files: dict[str, bytes]) -> None:
    """Fail naming every file above amoCRM's per-file limit."""
    big = [name for name, data in sorted(files.items()) if len(data) > MAX_FILE_BYTES]
    if big:
        sizes = ", ".join(f"{name} ({len(files[name]):,} bytes)" for name in big)
        raise BuildError(big[0], f"exceeds amoCRM's 300 KB per-file limit: {sizes}")


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """The archive of ``files`` (archive path -> content), sorted, with fixed dates and modes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # Unix, whatever machine builds it
            archive.writestr(info, files[name])
    return buffer.getvalue()
