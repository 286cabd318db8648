#!/usr/bin/env bash
# Install the SDK with its dev extra into a virtualenv and run every check CI runs:
# the regeneration drift check (inside pytest), ruff, mypy --strict, and the test suite.
# Usage: bash scripts/test.sh [extra pytest args]   (PRINTOS_VENV picks the virtualenv; default .venv)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
venv="${PRINTOS_VENV:-$root/.venv}"
if [[ ! -x "$venv/bin/python" ]]; then
  echo "== creating virtualenv $venv"
  python3 -m venv "$venv"
fi
echo "== installing printos-sdk[dev]"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[dev]"
export PATH="$venv/bin:$PATH"
# npm's openapi-format, a second independent Overlay implementation for tests/test_overlay.py
# (a few seconds; without npm that test is skipped and says why).
if command -v npm >/dev/null 2>&1 && [[ ! -x "$root/.tools/node_modules/.bin/openapi-format" ]]; then
  echo "== installing openapi-format (npm)"
  npm install --prefix "$root/.tools" --no-audit --no-fund --silent openapi-format@1.33.6 ||
    echo "openapi-format could not be installed; tests/test_overlay.py will skip its check"
fi
echo "== ruff"
ruff check .
ruff format --check .
echo "== mypy --strict"
mypy
mypy --strict generated/printos_api_client
echo "== pytest"
python -m pytest "$@"
