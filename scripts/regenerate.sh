#!/usr/bin/env bash
# Regenerate generated/printos_api_client from the effective spec: openapi/hp-printos-device-api-openapi.yml
# (HP's file, unchanged) with the OpenAPI Overlay openapi/overlay.yaml applied.
# Works from any directory. Uses the active virtualenv's Python, else the repo's .venv, else python3;
# that environment needs the dev install: pip install -e '.[dev]'.
# Options (see scripts/regenerate.py --help): --spec PATH, --overlay PATH or --no-overlay,
# --write-effective-spec PATH (also write HP's spec + overlay there), --output DIR, --check (drift check, writes
# nothing), --baseline PATH (spec to compare against; default: the committed spec at git HEAD),
# --report-only (print the change report, generate nothing), --fail-on-breaking (exit 3 and write
# nothing when the change report has a BREAKING change), --no-release (do not bump the version in
# src/printos_ext/version.py nor prepend a CHANGELOG.md entry, which a changed spec otherwise gets),
# --strict (refuse validator findings, generator omissions and renamed names instead of reporting
# them), --no-mypy (skip mypy --strict on the temporary tree), --no-ext-check (with --output
# elsewhere: do not require that src/printos_ext works with the result).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ -n "${VIRTUAL_ENV:-}" && -x "$VIRTUAL_ENV/bin/python" ]]; then
  python="$VIRTUAL_ENV/bin/python"
elif [[ -x "$root/.venv/bin/python" ]]; then
  python="$root/.venv/bin/python"
else
  python="python3"
fi
exec "$python" "$root/scripts/regenerate.py" "$@"
