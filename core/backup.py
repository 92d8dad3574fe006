"""Backup archives: what ``manage.py backup`` writes and ``manage.py restore`` reads.

One archive is one file, ``svp-backup-<UTC timestamp>.tar.gz``, holding

- ``manifest.json``: the format version, when and with what it was made, the database vendor, the row
  count of every table, and the sha256 of every other member;
- ``database/db.sqlite3`` (SQLite, made with the online backup API and integrity-checked) or
  ``database/db.dump`` (PostgreSQL, ``pg_dump --format=custom``);
- ``media/…``: the files under ``MEDIA_ROOT`` (left out with ``--no-media``).

The helpers here are shared by the two commands; they raise :class:`BackupError` with a message meant
for the operator.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path, PurePosixPath

from django.apps import apps

FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
SQLITE_MEMBER = "database/db.sqlite3"
POSTGRES_MEMBER = "database/db.dump"
MEDIA_PREFIX = "media/"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that must stop; the message says why."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def counted_models() -> list:
    """Every concrete, managed, non-proxy model of every installed app (many-to-many tables too).

    One model per table, sorted by table name.
    """
    seen: dict[str, type] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.abstract:
            continue
        seen.setdefault(meta.db_table, model)
    return [seen[table] for table in sorted(seen)]


def row_counts() -> dict[str, int]:
    """``{table: rows}`` for every counted model, through ``_base_manager`` (no default filtering)."""
    return {model._meta.db_table: model._base_manager.count() for model in counted_models()}


def sqlite_row_counts(database: Path) -> dict[str, int]:
    """``{table: rows}`` counted in an SQLite file (the backup's copy), for the same tables as
    :func:`row_counts` — the manifest then describes exactly what the archive holds."""
    copy = sqlite3.connect(database)
    try:
        return {
            model._meta.db_table: copy.execute(f'SELECT COUNT(*) FROM "{model._meta.db_table}"').fetchone()[0]  # noqa: S608 - table names from the models
            for model in counted_models()
        }
    finally:
        copy.close()


def postgres_arguments(settings_dict: dict) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump/pg_restore and the environment carrying the password."""
    arguments = []
    if settings_dict.get("HOST"):
        arguments += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        arguments += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        arguments += ["--username", str(settings_dict["USER"])]
    environment = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    sslmode = (settings_dict.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        environment["PGSSLMODE"] = str(sslmode)
    return arguments, environment


def run_postgres_tool(tool: str, arguments: list[str], environment: dict[str, str]) -> None:
    """Run pg_dump/pg_restore; a missing tool or a non-zero exit is a :class:`BackupError`."""
    executable = shutil.which(tool)
    if executable is None:
        raise BackupError(f"{tool} is not installed (apt-get install postgresql-client)")
    completed = subprocess.run(  # noqa: S603 - fixed executable, arguments from the settings, no shell
        [executable, *arguments], env=environment, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise BackupError(f"{tool} exited with {completed.returncode}: {completed.stderr.strip()}")


def safe_member_name(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts


def read_verified(archive: Path, staging: Path) -> dict:
    """Unpack ``archive`` into ``staging`` and check it against its manifest; return the manifest.

    Refused (``BackupError``): not a readable tar.gz, no manifest, a format version we do not know, a
    member that is not a plain file or escapes the folder, a member missing or not listed, a sha256
    that differs. Only ``staging`` is written.
    """
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = tar.getmembers()
            for member in members:
                if not safe_member_name(member.name) or not (member.isfile() or member.isdir()):
                    raise BackupError(f"refusing archive: unexpected member {member.name!r}")
            tar.extractall(staging, filter="data")
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"refusing archive: cannot read {archive}: {error}") from error
    manifest_path = staging / MANIFEST_NAME
    if not manifest_path.is_file():
        raise BackupError("refusing archive: it has no manifest.json")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise BackupError(f"refusing archive: manifest.json is not valid JSON ({error})") from error
    if not isinstance(manifest, dict) or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"refusing archive: unknown format version {manifest.get('format_version')!r}")
    listed = manifest.get("members")
    if not isinstance(listed, dict) or not isinstance(manifest.get("tables"), dict):
        raise BackupError("refusing archive: the manifest lists no members or tables")
    present = {member.name for member in members if member.isfile()} - {MANIFEST_NAME}
    if present != set(listed):
        missing = sorted(set(listed) - present)
        extra = sorted(present - set(listed))
        raise BackupError(f"refusing archive: members missing {missing[:5]}, not in the manifest {extra[:5]}")
    for name, expected in sorted(listed.items()):
        if sha256_of(staging / name) != expected:
            raise BackupError(
                f"refusing archive: sha256 of {name} does not match the manifest (corrupt or changed)"
            )
    database_member = manifest.get("database", {}).get("member")
    if database_member not in listed:
        raise BackupError("refusing archive: the manifest names no database dump")
    return manifest
