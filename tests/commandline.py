"""The `pigdata` command run as a user runs it: a real process on a test's database."""

from __future__ import annotations

import os
import subprocess
import sys

from pigdata.config import Settings


def pigdata(settings: Settings, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run `pigdata ARGS` against the settings' database, archive and key."""
    env = {
        **os.environ,
        "PIGDATA_DATABASE_URL": settings.database_url,
        "PIGDATA_ARCHIVE_DIR": str(settings.archive_dir),
        "PIGDATA_KEY_FILE": str(settings.key_file),
        "COLUMNS": "250",
    }
    done = subprocess.run(
        [sys.executable, "-m", "pigdata", *args], env=env, capture_output=True, text=True
    )
    if check and done.returncode != 0:
        raise AssertionError(f"pigdata {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done
