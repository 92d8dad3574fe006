"""``manage.py restore ARCHIVE [--yes]``: put a ``manage.py backup`` archive back, then prove it by counting.

Order of work: unpack into a staging folder and verify the manifest and every member's sha256 (a
tampered or corrupt archive is refused before anything is touched); refuse an archive of the other
database vendor; ask for confirmation (``--yes`` skips it; without a terminal and without ``--yes`` it
refuses); replace the database (SQLite: close the connections, swap the file atomically, drop the
``-wal``/``-shm`` files; PostgreSQL: ``pg_restore --clean --if-exists --no-owner --single-transaction``);
replace the contents of ``MEDIA_ROOT`` when the archive has media; recount every table and compare
with the manifest, failing on any difference. Stop the site and the workers before restoring.
"""

import shutil
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections

from core.backup import (
    MEDIA_PREFIX,
    BackupError,
    postgres_arguments,
    read_verified,
    row_counts,
    run_postgres_tool,
)


class Command(BaseCommand):
    help = "Restore a backup archive (database and media) after verifying it; recount rows afterwards."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="an svp-backup-….tar.gz written by manage.py backup")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, archive, yes=False, **options):
        archive_path = Path(archive)
        if not archive_path.is_file():
            raise CommandError(f"no such archive: {archive_path}")
        vendor = connection.vendor
        staging_parent = self.staging_parent(vendor)
        try:
            with tempfile.TemporaryDirectory(prefix=".svp-restore-", dir=staging_parent) as staging:
                self.restore(archive_path, Path(staging), vendor=vendor, confirmed=yes)
        except BackupError as error:
            raise CommandError(str(error)) from error

    def staging_parent(self, vendor: str) -> Path | None:
        """Unpack next to the SQLite file, so that the final swap is a rename on one filesystem."""
        if vendor == "sqlite":
            name = str(connection.settings_dict["NAME"])
            if name == ":memory:" or name.startswith("file:"):
                raise CommandError("cannot restore into an in-memory SQLite database")
            return Path(name).resolve().parent
        return None

    def restore(self, archive: Path, staging: Path, *, vendor: str, confirmed: bool) -> None:
        self.stdout.write(f"verifying {archive}…")
        manifest = read_verified(archive, staging)
        self.stdout.write(
            f"  ok: format {manifest['format_version']}, made {manifest.get('created_at')}, "
            f"{len(manifest['members'])} members, sha256 all match"
        )
        archive_vendor = manifest["database"].get("vendor")
        if archive_vendor != vendor:
            raise BackupError(
                f"refusing: this archive holds a {archive_vendor} database and this site runs on {vendor}; "
                "restore it into a site on the same database"
            )
        has_media = bool(manifest.get("media", {}).get("included"))
        target = connection.settings_dict["NAME"]
        media_note = (
            f" and the contents of {settings.MEDIA_ROOT}" if has_media else " (media left as they are)"
        )
        if not confirmed:
            if not sys.stdin or not sys.stdin.isatty():
                raise BackupError("refusing: no --yes and no terminal to confirm on; nothing was changed")
            answer = input(f"This replaces the {vendor} database {target}{media_note}. Type 'yes' to go on: ")
            if answer.strip().lower() != "yes":
                raise BackupError("not confirmed; nothing was changed")
        database_file = staging / manifest["database"]["member"]
        if vendor == "sqlite":
            self.restore_sqlite(database_file)
        else:
            self.restore_postgres(database_file)
        if has_media:
            self.restore_media(staging / MEDIA_PREFIX.rstrip("/"))
        else:
            self.stdout.write("media: not in the archive, left as they are")
        self.compare(manifest["tables"])

    def restore_sqlite(self, copy: Path) -> None:
        database = Path(connection.settings_dict["NAME"]).resolve()
        self.stdout.write(f"replacing SQLite database {database}…")
        connections.close_all()
        for suffix in ("-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        copy.replace(database)
        for suffix in ("-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        self.stdout.write("  database file swapped")

    def restore_postgres(self, dump: Path) -> None:
        settings_dict = connection.settings_dict
        self.stdout.write(
            f"restoring PostgreSQL database {settings_dict['NAME']} (pg_restore --single-transaction)…"
        )
        connections.close_all()
        arguments, environment = postgres_arguments(settings_dict)
        run_postgres_tool(
            "pg_restore",
            [
                *arguments,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
                str(settings_dict["NAME"]),
                str(dump),
            ],
            environment,
        )
        self.stdout.write("  pg_restore: ok")

    def restore_media(self, unpacked: Path) -> None:
        media_root = Path(settings.MEDIA_ROOT)
        self.stdout.write(f"replacing the contents of {media_root}…")
        media_root.mkdir(parents=True, exist_ok=True)
        for child in media_root.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
        count = 0
        if unpacked.is_dir():
            for child in unpacked.iterdir():
                shutil.move(str(child), str(media_root / child.name))
            count = sum(1 for path in media_root.rglob("*") if path.is_file())
        self.stdout.write(f"  {count} media files in place")

    def compare(self, expected: dict[str, int]) -> None:
        actual = row_counts()
        self.stdout.write("row counts (table: manifest → restored):")
        differences = []
        for table in sorted(set(expected) | set(actual)):
            want, have = expected.get(table), actual.get(table)
            mark = "ok" if want == have else "DIFFERS"
            if want != have:
                differences.append(table)
            self.stdout.write(f"  {table}: {want} → {have} {mark}")
        if differences:
            raise BackupError(
                f"restored row counts differ from the manifest in {len(differences)} tables: {differences}"
            )
        self.stdout.write(self.style.SUCCESS(f"restore complete: {len(actual)} tables match the manifest"))
