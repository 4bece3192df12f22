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
# scikit-sparse (CHOLMOD, for REML) is built against SuiteSparse's headers from Debian.
if [[ ! -f /usr/include/suitesparse/cholmod.h ]]; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libsuitesparse-dev) >&2
  else
    echo "libsuitesparse-dev is missing: scikit-sparse cannot be built (apt-get install libsuitesparse-dev)" >&2
    exit 1
  fi
fi
# constraints.txt pins every package, so a fresh install is the same everywhere.
extras=${1:-}
target="."
[[ -n "$extras" ]] && target=".[${extras}]"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e "$target"

# The display centre's browser libraries and boundary maps come from npm packages pinned in
# tools/web; they are copied into the package's static files (not kept in git).
vendor=src/pigdata/web/static/vendor
if [[ ! -f "$vendor/echarts.min.js" || tools/web/package-lock.json -nt "$vendor/echarts.min.js" \
      || scripts/build_web_assets.py -nt "$vendor/echarts.min.js" ]]; then
  if ! command -v npm >/dev/null && [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm) >&2 || true
  fi
  if command -v npm >/dev/null; then
    (cd tools/web && npm ci --silent --no-audit --no-fund)
    .venv/bin/python scripts/build_web_assets.py >/dev/null
  else
    echo "npm is missing: the display centre's charts and maps cannot be built (apt-get install npm)" >&2
    [[ "${CI:-}" != "true" ]]
  fi
fi
