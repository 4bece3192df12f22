#!/usr/bin/env bash
# Create the virtual environment in .venv and install pigdata with its pinned dependencies.
# Safe to run again: it only installs what is missing or changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "pigdata needs Python 3.11 or newer (found: $("$PYTHON" --version 2>&1))" >&2
  exit 1
fi
if [[ ! -x .venv/bin/python ]]; then
  echo "creating .venv …" >&2
  "$PYTHON" -m venv .venv
fi
# constraints.txt pins every package, so a fresh install is the same everywhere.
extras=${1:-}
target="."
[[ -n "$extras" ]] && target=".[${extras}]"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e "$target"
