#!/usr/bin/env bash
# One command from a fresh machine to build/widget.zip: installs what the build needs, then builds.
# Extra arguments go to build.py (default --prod), e.g. `bash scripts/build.sh --dev`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup-venv.sh"
cd "$root"
if [ "$#" -eq 0 ]; then set -- --prod; fi
exec .venv/bin/python build.py "$@"
