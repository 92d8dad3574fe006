"""The site run as an operator runs it: ``manage.py`` in a subprocess against a file database.

The test settings keep SQLite in memory, so drills that need a second process (backups, task workers)
give it its own folder: a file SQLite database, ``VAR_DIR`` and ``MEDIA_ROOT`` under it, development
settings, and none of the suite's service URLs unless the caller passes them back in ``extra``.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

SUITE_ONLY_VARIABLES = {"DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL", "TEST_MEDIA_ROOT", "SQLITE_PATH"}


def site_environment(folder: Path, **extra: str) -> dict:
    environment = {key: value for key, value in os.environ.items() if key not in SUITE_ONLY_VARIABLES}
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        VAR_DIR=str(folder),
        SQLITE_PATH=str(folder / "db.sqlite3"),
        MEDIA_ROOT=str(folder / "media"),
        LOG_LEVEL="WARNING",
    )
    environment.update(extra)
    return environment


def manage(
    environment: dict, *arguments: str, check: bool = True, timeout: int = 900
) -> subprocess.CompletedProcess:
    """``manage.py …`` in a subprocess with no terminal on stdin (as in CI and cron); with ``check``, a
    non-zero exit fails the test with the command's output."""
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *arguments],
        cwd=settings.BASE_DIR,
        env=environment,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and result.returncode != 0:
        pytest.fail(
            f"manage.py {' '.join(arguments)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
        )
    return result
