#!/usr/bin/env bash
# Creates .venv (if missing) and installs the project with the given extras, e.g. "test".
# Run by build.sh and test.sh; PYTHON selects the interpreter (default python3).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-python3}"
if [ ! -x "$root/.venv/bin/python" ]; then
  echo "Creating the virtual environment in .venv ($("$python" --version))"
  "$python" -m venv "$root/.venv"
fi
spec="$root"
[ -n "${1:-}" ] && spec="$root[$1]"
echo "Installing the pinned dependencies (pyproject.toml)"
# compat: a plain path entry instead of setuptools' import hook, which costs every Python
# process of the venv (the build and its Transcrypt process) about 12 ms at start.
"$root/.venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  --config-settings editable_mode=compat -e "$spec"
