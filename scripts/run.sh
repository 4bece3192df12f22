#!/usr/bin/env bash
# Set up, load the demo district into the embedded SQLite file (./pigdata.db) on first run,
# and serve the platform at http://127.0.0.1:8000 with a token printed for each role.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/pigdata up "$@"
