"""Incremental builds: every archive is byte-identical to a clean build of the same sources.

A sequence of edits (a changed module, an added, a renamed and a deleted one, other build
constants and back) is built incrementally with one cache, and each result is compared with a
build from scratch (no cache, ``transcrypt -b``). A cache that is corrupt, truncated, edited or
from other options is detected and rebuilt.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.builds import BuiltWidget
from tests.support.project_copy import ProjectCopy
from widgetbuild.build_cache import STATE_FILE
from widgetbuild.config import BuildConfig
from widgetbuild.pipeline import build


class Builder:
    """Builds one project copy incrementally (``cache``) and from scratch (``clean``)."""

    def __init__(self, project: ProjectCopy) -> None:
        self.project = project
        self.cache_dir = project.root / "cache"
        self.details: list[str] = []

    def incremental(self, config: BuildConfig) -> bytes:
        self.details = []

        def progress(stage: str, seconds: float, detail: str) -> None:
            if stage == "transpile":
                self.details.append(detail)

        out = dataclasses.replace(config, out_dir=self.project.root / "incremental", cache_dir=self.cache_dir)
        return build(out, progress).zip_path.read_bytes()

    def clean(self, config: BuildConfig) -> bytes:
        out = dataclasses.replace(config, out_dir=self.project.root / "clean", cache_dir=None)
        return build(out).zip_path.read_bytes()

    def assert_same(self, config: BuildConfig, expected_detail: str, clean: bytes | None = None) -> None:
        """Build incrementally, check what was retranspiled, compare with ``clean`` (default: build it)."""
        incremental = self.incremental(config)
        assert expected_detail in self.details[0]
        assert incremental == (self.clean(config) if clean is None else clean)


def _edit(path: Path, change: Callable[[str], str]) -> None:
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")


def test_every_incremental_archive_is_byte_identical_to_a_clean_build(project_copy: ProjectCopy) -> None:
    builder = Builder(project_copy)
    config = project_copy.config
    source = project_copy.source
    builder.assert_same(config, "full: no cache")
    builder.assert_same(config, "(cached)")

    _edit(source / "core" / "backoff.py",
          lambda text: text.replace("MAX_DELAY_MS = 30000", "MAX_DELAY_MS = 20000"))
    builder.assert_same(config, "(1 retranspiled)")

    (source / "core" / "extra_delay.py").write_text('"""Added."""\n\nEXTRA_MS = 7\n', encoding="utf-8")
    _edit(source / "core" / "backoff.py", lambda text: text.replace(
        '"""How long to wait before polling a failing server again."""\n',
        '"""How long to wait before polling a failing server again."""\n\n'
        'from core.extra_delay import EXTRA_MS\n'
    ).replace("self.initial_ms = initial_ms", "self.initial_ms = initial_ms + EXTRA_MS"))
    builder.assert_same(config, "full: modules added, removed or renamed")

    (source / "core" / "extra_delay.py").rename(source / "core" / "more_delay.py")
    _edit(source / "core" / "backoff.py", lambda text: text.replace("core.extra_delay", "core.more_delay"))
    builder.assert_same(config, "full: modules added, removed or renamed")

    other_constants = dataclasses.replace(config, notification_delay=42, settings_field="otherField")
    builder.assert_same(other_constants, "full: no cache")

    (source / "core" / "more_delay.py").unlink()
    _edit(source / "core" / "backoff.py",
          lambda text: text.replace("from core.more_delay import EXTRA_MS\n", "")
          .replace("initial_ms + EXTRA_MS", "initial_ms"))
    builder.assert_same(config, "full: modules added, removed or renamed")
    builder.assert_same(other_constants, "full: modules added, removed or renamed")

    _edit(project_copy.blank / "widget.css",
          lambda text: text + "\n.asng-incremental-probe { color: red; }\n")
    _edit(source / "app" / "session.py", lambda text: text + "\n\nSESSION_PROBE = 1\n")
    builder.assert_same(config, "(2 retranspiled)")


def test_a_dev_build_is_incremental_too(project_copy: ProjectCopy) -> None:
    builder = Builder(project_copy)
    config = dataclasses.replace(project_copy.config, dev=True)
    builder.incremental(config)
    _edit(project_copy.source / "ui" / "call_panel" / "view.py", lambda text: text + "\n\nVIEW_PROBE = 2\n")
    builder.assert_same(config, "(1 retranspiled)")


def _transpile_cache(cache_dir: Path) -> Path:
    (root,) = cache_dir.glob("transpile-*")
    return root


def _damage_a_target(cache: Path) -> None:
    target = cache / "widget_src" / "__target__" / "core.backoff.js"
    target.write_text(target.read_text(encoding="utf-8").replace("30000", "31000"), encoding="utf-8")


def _damage_a_staged_source(cache: Path) -> None:
    _edit(cache / "widget_src" / "core" / "backoff.py", lambda text: text.replace("30000", "31000"))


def _truncate_the_record(cache: Path) -> None:
    record = cache / STATE_FILE
    record.write_bytes(record.read_bytes()[:40])


def _foreign_record(cache: Path) -> None:
    record = cache / STATE_FILE
    state = json.loads(record.read_text(encoding="utf-8"))
    state["key"] = "0123456789abcdef"
    record.write_text(json.dumps(state), encoding="utf-8")


def _a_stray_target(cache: Path) -> None:
    (cache / "widget_src" / "__target__" / "stray.js").write_text("export var x = 1;\n", encoding="utf-8")


@pytest.mark.parametrize("damage, reason", [
    (_damage_a_target, "target core.backoff.js differs from the record"),
    (_damage_a_staged_source, "staged core/backoff.py differs from the record"),
    (_truncate_the_record, "unreadable cache record"),
    (_foreign_record, "cache from another format or options"),
    (_a_stray_target, "targets differ from the record"),
])
def test_a_corrupt_or_foreign_cache_is_rebuilt_never_trusted(
    project_copy: ProjectCopy, damage: Callable[[Path], None], reason: str, prod_widget: BuiltWidget
) -> None:
    builder = Builder(project_copy)
    builder.incremental(project_copy.config)
    damage(_transpile_cache(builder.cache_dir))
    # The copy has the project's sources: the clean build is the session's --prod build.
    builder.assert_same(project_copy.config, f"full: {reason}", prod_widget.zip_path.read_bytes())


def test_damaged_cached_images_are_made_again(project_copy: ProjectCopy) -> None:
    builder = Builder(project_copy)
    first = builder.incremental(project_copy.config)
    images = builder.cache_dir / "images.zip"
    data = bytearray(images.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 64] = bytes(64)
    images.write_bytes(bytes(data))
    assert builder.incremental(project_copy.config) == first
    assert images.read_bytes() != bytes(data)


def test_a_failed_build_is_not_remembered_as_good(
    project_copy: ProjectCopy, prod_widget: BuiltWidget
) -> None:
    from widgetbuild.errors import BuildError

    builder = Builder(project_copy)
    builder.incremental(project_copy.config)
    session = project_copy.source / "app" / "session.py"
    good = session.read_text(encoding="utf-8")
    # Found only in the staged copy (the import check), after the cache has taken the change in.
    session.write_text(good.replace("import default_backoff", "import default_backoff, no_such_name"),
                       encoding="utf-8")
    for _ in range(2):  # the second time from the cache: the bad module must fail again
        with pytest.raises(BuildError, match="no_such_name"):
            builder.incremental(project_copy.config)
    session.write_text(good, encoding="utf-8")
    builder.assert_same(project_copy.config, "(1 retranspiled)", prod_widget.zip_path.read_bytes())


def test_clean_replaces_the_cache(project_copy: ProjectCopy, prod_widget: BuiltWidget) -> None:
    builder = Builder(project_copy)
    builder.incremental(project_copy.config)
    builder.assert_same(dataclasses.replace(project_copy.config, clean=True), "full: --clean",
                        prod_widget.zip_path.read_bytes())


def test_the_transcrypt_rules_are_checked_on_every_changed_source(project_copy: ProjectCopy) -> None:
    from widgetbuild.errors import BuildError

    builder = Builder(project_copy)
    builder.incremental(project_copy.config)
    backoff = project_copy.source / "core" / "backoff.py"
    backoff.write_text(backoff.read_text(encoding="utf-8") + '\n\nLABEL = f"{MAX_DELAY_MS}"\n',
                       encoding="utf-8")
    with pytest.raises(BuildError, match="f-string"):
        builder.incremental(project_copy.config)


def test_remembered_checks_still_see_every_change(
    project_copy: ProjectCopy, prod_widget: BuiltWidget
) -> None:
    """The rules, the import check and the i18n scan remember each module's result by its text."""
    from widgetbuild.errors import BuildError

    builder = Builder(project_copy)
    builder.incremental(project_copy.config)
    for memo in ("rules.json", "imports.json", "i18n-keys.json"):
        assert (builder.cache_dir / memo).is_file()
    view = project_copy.source / "ui" / "call_panel" / "view.py"
    backoff = project_copy.source / "core" / "backoff.py"
    view_text, backoff_text = view.read_text(encoding="utf-8"), backoff.read_text(encoding="utf-8")

    probe = '\n\ndef probe(amocrm):\n    return amocrm.i18n("no.such.key")\n'
    view.write_text(view_text + probe, encoding="utf-8")
    with pytest.raises(BuildError, match="no.such.key"):
        builder.incremental(project_copy.config)
    view.write_text(view_text, encoding="utf-8")
    # Only the imported module changes: app/session.py, unchanged, now imports a missing name.
    backoff.write_text(backoff_text.replace("def default_backoff(", "def renamed_backoff("), encoding="utf-8")
    with pytest.raises(BuildError, match="has no name 'default_backoff'"):
        builder.incremental(project_copy.config)
    backoff.write_text(backoff_text, encoding="utf-8")
    # Both modules were taken into the cache by the failed builds: both are transpiled again.
    builder.assert_same(project_copy.config, "(2 retranspiled)", prod_widget.zip_path.read_bytes())


def _is_json(path: Path) -> bool:
    try:
        json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return False
    return True


def test_damaged_memos_are_not_trusted(project_copy: ProjectCopy, prod_widget: BuiltWidget) -> None:
    from widgetbuild.errors import BuildError

    memos = ("rules.json", "imports.json", "i18n-keys.json")

    def damage() -> None:
        for memo in memos:
            path = builder.cache_dir / memo
            path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
            assert not _is_json(path)

    builder = Builder(project_copy)
    builder.incremental(project_copy.config)
    damage()
    # The same sources: the same archive. The i18n key check runs in every build and writes its memo
    # whole again; the rules and import checks run only when a source changed (below).
    assert builder.incremental(project_copy.config) == prod_widget.zip_path.read_bytes()
    assert _is_json(builder.cache_dir / "i18n-keys.json")
    damage()
    backoff = project_copy.source / "core" / "backoff.py"
    good = backoff.read_text(encoding="utf-8")
    backoff.write_text(good + '\n\nLABEL = f"{MAX_DELAY_MS}"\n', encoding="utf-8")
    with pytest.raises(BuildError, match="f-string"):
        builder.incremental(project_copy.config)
    backoff.write_text(good, encoding="utf-8")
    builder.assert_same(project_copy.config, "(1 retranspiled)", prod_widget.zip_path.read_bytes())
    assert [memo for memo in memos if not _is_json(builder.cache_dir / memo)] == []  # written whole again


def test_damaged_cached_bundles_are_linked_again(project_copy: ProjectCopy) -> None:
    builder = Builder(project_copy)
    first = builder.incremental(project_copy.config)
    bundles = builder.cache_dir / "link-prod.zip"
    data = bytearray(bundles.read_bytes())
    data[len(data) // 2:len(data) // 2 + 64] = bytes(64)
    bundles.write_bytes(bytes(data))
    assert builder.incremental(project_copy.config) == first
    assert bundles.read_bytes() != bytes(data)


def _processes_inside(folder: Path) -> list[int]:
    """Processes whose working folder is inside ``folder`` (Transcrypt runs in the staged copy)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and folder in Path(os.readlink(entry / "cwd")).parents:
                found.append(int(entry.name))
        except OSError:
            continue  # gone meanwhile, or not ours to read
    return found


@pytest.mark.parametrize("cached", [True, False])
def test_a_broken_rule_stops_transcrypt_and_leaves_nothing_behind(
    project_copy: ProjectCopy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cached: bool
) -> None:
    from widgetbuild.errors import BuildError

    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    backoff = project_copy.source / "core" / "backoff.py"
    backoff.write_text(backoff.read_text(encoding="utf-8") + "\n\nprint(1)\n", encoding="utf-8")
    cache_dir = project_copy.root / "cache" if cached else None
    config = dataclasses.replace(project_copy.config, cache_dir=cache_dir)
    with pytest.raises(BuildError, match="print"):  # the rule, not what Transcrypt makes of it
        build(config)
    assert _processes_inside(project_copy.root) == [] and _processes_inside(temporary) == []
    assert list(temporary.iterdir()) == []
