"""``manage.py backup [--output DIR] [--no-media]``: one archive with the database, the media and a manifest.

Writes ``svp-backup-<UTC timestamp>.tar.gz`` into ``--output`` (default ``VAR_DIR/backups``); see
:mod:`core.backup` for what it holds. Safe while the site runs: SQLite is copied through the online
backup API from the live connection (then ``PRAGMA integrity_check`` must say ``ok``), PostgreSQL
through ``pg_dump --format=custom``. The archive is written under a hidden temporary name and renamed
only when complete, so a failed run leaves nothing that looks like a backup.
"""

import hashlib
import json
import platform
import sqlite3
import tarfile
import tempfile
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import django
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, transaction

from core.backup import (
    FORMAT_VERSION,
    MANIFEST_NAME,
    MEDIA_PREFIX,
    POSTGRES_MEMBER,
    SQLITE_MEMBER,
    BackupError,
    postgres_arguments,
    row_counts,
    run_postgres_tool,
    sha256_of,
    sqlite_row_counts,
)


def app_version() -> str:
    try:
        return metadata.version("smart-village-platform")
    except metadata.PackageNotFoundError:
        pyproject = Path(settings.BASE_DIR) / "pyproject.toml"
        for line in pyproject.read_text(encoding="utf-8").splitlines() if pyproject.is_file() else []:
            if line.startswith("version"):
                return line.split("=", 1)[1].strip().strip('"')
        return "unknown"


class Command(BaseCommand):
    help = "Write one backup archive (database dump, media, manifest with row counts and sha256)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="folder for the archive (default: VAR_DIR/backups)")
        parser.add_argument("--no-media", action="store_true", help="leave MEDIA_ROOT out of the archive")

    def handle(self, *args, output=None, no_media=False, **options):
        output_dir = Path(output) if output else Path(settings.VAR_DIR) / "backups"
        output_dir.mkdir(parents=True, exist_ok=True)
        created = datetime.now(UTC).replace(microsecond=0)
        final = output_dir / f"svp-backup-{created.strftime('%Y%m%dT%H%M%SZ')}.tar.gz"
        if final.exists():
            raise CommandError(f"{final} already exists")
        partial = output_dir / f".{final.name}.partial"
        try:
            with tempfile.TemporaryDirectory(prefix="svp-backup-", dir=output_dir) as work:
                self.write_archive(Path(work), partial, created, include_media=not no_media)
            partial.replace(final)
        except (BackupError, DatabaseError, sqlite3.Error, OSError) as error:
            partial.unlink(missing_ok=True)
            raise CommandError(f"backup failed, no archive written: {error}") from error
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        self.stdout.write(self.style.SUCCESS(f"backup written: {final} ({final.stat().st_size:,} bytes)"))

    def write_archive(self, work: Path, partial: Path, created: datetime, *, include_media: bool) -> None:
        # The row counts describe the dump itself, even while the site writes: SQLite's are taken from
        # the copy, PostgreSQL's in the very snapshot that pg_dump reads.
        vendor = connection.vendor
        if vendor == "sqlite":
            member = SQLITE_MEMBER
            self.dump_sqlite(work / member)
            tables = sqlite_row_counts(work / member)
        elif vendor == "postgresql":
            member = POSTGRES_MEMBER
            tables = self.dump_postgres(work / member)
        else:
            raise BackupError(f"no backup method for the {vendor} database")
        self.stdout.write(f"  {len(tables)} tables, {sum(tables.values()):,} rows")
        members = {member: sha256_of(work / member)}
        media_files = []
        media_root = Path(settings.MEDIA_ROOT)
        if include_media and media_root.is_dir():
            media_files = sorted(
                path for path in media_root.rglob("*") if path.is_file() and not path.is_symlink()
            )
            self.stdout.write(f"hashing media: {len(media_files)} files under {media_root}")
            for path in media_files:
                members[MEDIA_PREFIX + path.relative_to(media_root).as_posix()] = sha256_of(path)
        elif include_media:
            self.stdout.write(f"media: {media_root} does not exist, nothing to add")
        else:
            self.stdout.write("media: left out (--no-media)")
        manifest = {
            "format_version": FORMAT_VERSION,
            "created_at": created.isoformat(),
            "django_version": django.get_version(),
            "app_version": app_version(),
            "python_version": platform.python_version(),
            "database": {"vendor": vendor, "member": member, "name": str(connection.settings_dict["NAME"])},
            "media": {"included": include_media, "files": len(media_files)},
            "tables": tables,
            "members": members,
        }
        (work / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
        self.stdout.write(f"writing archive ({len(members) + 1} members)…")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(work / MANIFEST_NAME, arcname=MANIFEST_NAME)
            tar.add(work / member, arcname=member)
            for path in media_files:
                tar.add(path, arcname=MEDIA_PREFIX + path.relative_to(media_root).as_posix())
        # A media file changed while it was being added would not match its hash: check before renaming.
        with tarfile.open(partial, "r:gz") as tar:
            for info in tar.getmembers():
                if info.isfile() and info.name != MANIFEST_NAME:
                    digest = hashlib.file_digest(tar.extractfile(info), "sha256").hexdigest()
                    if digest != members.get(info.name):
                        raise BackupError(f"{info.name} changed while the backup was written; run it again")

    def dump_sqlite(self, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        self.stdout.write(f"copying SQLite database {connection.settings_dict['NAME']} (online backup API)…")
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
            result = copy.execute("PRAGMA integrity_check").fetchall()
        finally:
            copy.close()
        if result != [("ok",)]:
            problems = "; ".join(str(row[0]) for row in result[:5])
            raise BackupError(f"refusing: integrity_check of the copy is not ok: {problems}")
        self.stdout.write(f"  integrity_check: ok ({target.stat().st_size:,} bytes)")

    def dump_postgres(self, target: Path) -> dict[str, int]:
        """pg_dump in a snapshot exported by our own repeatable-read transaction, in which the rows are
        counted too; returns the counts."""
        target.parent.mkdir(parents=True, exist_ok=True)
        settings_dict = connection.settings_dict
        self.stdout.write(f"dumping PostgreSQL database {settings_dict['NAME']} (pg_dump --format=custom)…")
        arguments, environment = postgres_arguments(settings_dict)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
            tables = row_counts()
            run_postgres_tool(
                "pg_dump",
                [
                    *arguments,
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    "--file",
                    str(target),
                    "--dbname",
                    str(settings_dict["NAME"]),
                ],
                environment,
            )
        self.stdout.write(f"  pg_dump: ok ({target.stat().st_size:,} bytes)")
        return tables
