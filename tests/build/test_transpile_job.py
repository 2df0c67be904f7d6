"""The Transcrypt job of a build (widgetbuild.transpile.Transpile): stopped mid-run, it leaves a cache
the next build can trust."""

from __future__ import annotations

import dataclasses

from tests.support.builds import BuiltWidget
from tests.support.project_copy import ProjectCopy
from widgetbuild.pipeline import build
from widgetbuild.transpile import Transpile


def test_a_stopped_transcrypt_leaves_no_half_written_target_behind(
    project_copy: ProjectCopy, prod_widget: BuiltWidget
) -> None:
    """Catches the cache recording the targets of a killed run as good: the runtime's target is
    never rewritten by make mode (its source is not staged), so a half-written one would stay."""
    config = dataclasses.replace(project_copy.config, cache_dir=project_copy.root / "cache")
    build(config)
    backoff = project_copy.source / "core" / "backoff.py"
    backoff.write_text(backoff.read_text(encoding="utf-8") + "\n\nPROBE = 1\n", encoding="utf-8")
    job = Transpile(config)
    runtime = job.target / "org.transcrypt.__runtime__.js"
    runtime.write_bytes(runtime.read_bytes()[:1000])  # as if Transcrypt had been killed writing it
    job.abort()
    job.close()
    backoff.write_text(backoff.read_text(encoding="utf-8").replace("\n\nPROBE = 1\n", ""), encoding="utf-8")
    assert build(config).zip_path.read_bytes() == prod_widget.zip_path.read_bytes()
