#!/usr/bin/env bash
# Set up, start PostgreSQL, and run every test (on SQLite and PostgreSQL), lint and types.
#
# PostgreSQL: installed from Debian's packages when missing and we may (root with apt-get);
# a private cluster is started on 127.0.0.1:54329. Where it cannot be had, the PostgreSQL
# half of the tests is skipped — except when CI=true, where that fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test

if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
  # does nothing when the server binaries are already there
  scripts/postgres.sh install || [[ "${CI:-}" != "true" ]]
  # The browser tests drive Debian's Chromium (no browser download is possible here).
  if [[ ! -x /usr/bin/chromium ]]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei) \
      || [[ "${CI:-}" != "true" ]]
  fi
fi
status=0
url=$(scripts/postgres.sh start) || status=$?
if [[ $status -eq 0 ]]; then
  export PIGDATA_TEST_POSTGRES_URL="$url"
elif [[ "${CI:-}" == "true" ]]; then
  echo "PostgreSQL could not be started (status $status) and CI=true: failing" >&2
  exit 1
else
  echo "PostgreSQL not available (status $status): its half of the tests will be skipped" >&2
fi

# The regions data is checked against a rebuild from its npm package when npm is here.
if command -v npm >/dev/null; then
  (cd tools/regions && npm ci --silent --no-audit --no-fund) || echo "npm ci failed: the regions rebuild check will be skipped" >&2
fi

.venv/bin/ruff check src tests benchmarks scripts
.venv/bin/ruff format --check src tests benchmarks scripts
.venv/bin/mypy
# The layers of docs/architecture.md ([tool.importlinter] in pyproject.toml): no import climbs.
.venv/bin/lint-imports --no-logo
.venv/bin/pytest -n 2 "$@"
