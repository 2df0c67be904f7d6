#!/usr/bin/env bash
# One command from a fresh machine to the whole test suite: installs Debian's chromium (for the
# browser tests) and the Python test dependencies, then runs ruff and pytest.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh tests/unit -x`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  echo "Installing Debian's chromium for the browser tests"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
bash "$root/scripts/setup-venv.sh" test
cd "$root"
echo "ruff check"
.venv/bin/ruff check .
exec .venv/bin/python -m pytest "$@"
