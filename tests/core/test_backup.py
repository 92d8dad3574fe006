"""The backup → wipe → restore drill, and the archives that ``manage.py restore`` must refuse.

The test settings keep SQLite in memory, so the commands run in subprocesses against a file database
(``SQLITE_PATH``/``VAR_DIR``/``MEDIA_ROOT`` under a temporary folder, development settings), exactly as
an operator runs them. The SQLite drill runs in the SQLite suite (``make test``); the same drill runs
against a scratch PostgreSQL database (``svp_backup_drill``, dropped afterwards) in the PostgreSQL suite.
"""

import hashlib
import io
import json
import os
import tarfile
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import require_or_skip
from tests.subprocess_site import manage, site_environment

DRILL_DOMAIN = "drill.example.org"
MEDIA_NAME = "documents/ban-do-thon.txt"
MEDIA_TEXT = "Bản đồ thôn Tả Van — tấm ảnh gốc"
SCRATCH_DATABASE = "svp_backup_drill"

SEED = f"""
import pathlib
from django.conf import settings
from tests import factories
factories.build_site()
for number in range(3):
    factories.make_user(f"villager-{{number}}@{DRILL_DOMAIN}")
path = pathlib.Path(settings.MEDIA_ROOT) / {MEDIA_NAME!r}
path.parent.mkdir(parents=True, exist_ok=True)
path.write_text({MEDIA_TEXT!r}, encoding="utf-8")
"""

WIPE = f"""
import pathlib
from django.conf import settings
from wagtail.models import Page
from accounts.models import User
User.objects.filter(email__endswith="@{DRILL_DOMAIN}").delete()
Page.objects.get(slug="bac-ha", locale__language_code="vi").delete()
(pathlib.Path(settings.MEDIA_ROOT) / {MEDIA_NAME!r}).unlink()
"""

STATE = f"""
import json
from wagtail.models import Page
from accounts.models import User
from core.backup import row_counts
print(json.dumps({{
    "tables": row_counts(),
    "villagers": sorted(
        User.objects.filter(email__endswith="@{DRILL_DOMAIN}").values_list("email", flat=True)
    ),
    "bac_ha": Page.objects.filter(slug="bac-ha", locale__language_code="vi").count(),
}}))
"""

sqlite_suite_only = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="the SQLite drill runs in the SQLite suite (make test)"
)


def state(environment: dict) -> dict:
    return json.loads(
        manage(environment, "shell", "--no-imports", "-c", STATE).stdout.strip().splitlines()[-1]
    )


def prepare(environment: dict) -> float:
    started = time.monotonic()
    manage(environment, "migrate", "--noinput")
    manage(environment, "shell", "--no-imports", "-c", SEED)
    return time.monotonic() - started


def backup(environment: dict, output: Path, *options: str) -> Path:
    result = manage(environment, "backup", "--output", str(output), *options)
    archives = sorted(output.glob("svp-backup-*.tar.gz"))
    assert archives, result.stdout
    assert not list(output.glob(".*partial")), "no half-written archive is left behind"
    return archives[-1]


def manifest_of(archive: Path) -> dict:
    with tarfile.open(archive, "r:gz") as tar:
        return json.load(tar.extractfile("manifest.json"))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def drill(environment: dict, vendor: str, media_root: Path, output: Path) -> dict:
    """Backup → wipe → restore; return the timings. Asserts the rows and the media file are back."""
    before = state(environment)
    started = time.monotonic()
    archive = backup(environment, output)
    timings = {"backup": time.monotonic() - started}
    manifest = manifest_of(archive)
    # the manifest counts every table as it was, and hashes every member
    assert manifest["tables"] == before["tables"]
    assert manifest["database"]["vendor"] == vendor
    assert f"media/{MEDIA_NAME}" in manifest["members"]
    assert len(before["villagers"]) == 3
    assert before["bac_ha"] == 1

    # when rows and a media file are lost
    manage(environment, "shell", "--no-imports", "-c", WIPE)
    wiped = state(environment)
    assert wiped["villagers"] == []
    assert wiped["bac_ha"] == 0
    assert not (media_root / MEDIA_NAME).exists()

    # and the archive is restored
    started = time.monotonic()
    result = manage(environment, "restore", "--yes", str(archive))
    timings["restore"] = time.monotonic() - started

    # then every table has its manifest count again, the deleted rows are back, and so is the file
    assert "match the manifest" in result.stdout
    after = state(environment)
    assert after["tables"] == manifest["tables"]
    assert after["villagers"] == before["villagers"]
    assert after["bac_ha"] == 1
    assert (media_root / MEDIA_NAME).read_text(encoding="utf-8") == MEDIA_TEXT
    return timings


def archive_with(path: Path, manifest: dict, files: dict[str, bytes]) -> Path:
    """Write a hand-made archive: ``manifest`` plus ``files``."""
    with tarfile.open(path, "w:gz") as tar:
        for name, data in {"manifest.json": json.dumps(manifest).encode(), **files}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def foreign_archive(path: Path, vendor: str) -> Path:
    """A well-formed archive (every sha256 right) of the other database vendor."""
    member = "database/db.dump" if vendor == "postgresql" else "database/db.sqlite3"
    data = b"not really a database"
    manifest = {
        "format_version": 1,
        "created_at": "2026-01-01T00:00:00+00:00",
        "database": {"vendor": vendor, "member": member},
        "media": {"included": False, "files": 0},
        "tables": {},
        "members": {member: hashlib.sha256(data).hexdigest()},
    }
    return archive_with(path, manifest, {member: data})


# --- SQLite (the embedded default) -----------------------------------------------------------------


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    """A migrated file database with the site tree, three villagers and one media file."""
    folder = tmp_path_factory.mktemp("embedded")
    environment = site_environment(folder)
    seconds = prepare(environment)
    print(f"\nembedded site prepared in {seconds:.1f}s")
    return {"env": environment, "folder": folder, "media": folder / "media", "db": folder / "db.sqlite3"}


@sqlite_suite_only
def test_sqlite_drill_brings_back_deleted_rows_and_media(embedded, tmp_path):
    timings = drill(embedded["env"], "sqlite", embedded["media"], tmp_path / "backups")
    print(f"\nSQLite drill: backup {timings['backup']:.1f}s, restore {timings['restore']:.1f}s")


@sqlite_suite_only
def test_backup_without_media_leaves_media_out_and_restore_leaves_media_alone(embedded, tmp_path):
    # given a backup made with --no-media
    archive = backup(embedded["env"], tmp_path, "--no-media")
    manifest = manifest_of(archive)
    assert manifest["media"]["included"] is False
    assert not any(name.startswith("media/") for name in manifest["members"])
    # when it is restored
    marker = embedded["media"] / "kept.txt"
    marker.write_text("still here", encoding="utf-8")
    try:
        result = manage(embedded["env"], "restore", "--yes", str(archive))
        # then the media folder is left as it was
        assert "left as they are" in result.stdout
        assert marker.read_text(encoding="utf-8") == "still here"
    finally:
        marker.unlink()


def tamper_media(archive: Path, target: Path) -> Path:
    """The same manifest, one media file changed."""
    with tarfile.open(archive, "r:gz") as tar:
        files = {info.name: tar.extractfile(info).read() for info in tar.getmembers() if info.isfile()}
    manifest = json.loads(files.pop("manifest.json"))
    files[f"media/{MEDIA_NAME}"] = b"replaced by someone"
    return archive_with(target, manifest, files)


def truncate(archive: Path, target: Path) -> Path:
    target.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    return target


@sqlite_suite_only
@pytest.mark.parametrize(
    ("spoil", "message"),
    [(tamper_media, "does not match the manifest"), (truncate, "cannot read")],
    ids=["changed-member", "truncated"],
)
def test_a_tampered_or_corrupt_archive_is_refused_and_nothing_changes(embedded, tmp_path, spoil, message):
    # given a good archive, spoiled
    archive = spoil(backup(embedded["env"], tmp_path / "good"), tmp_path / "spoiled.tar.gz")
    database_before = sha256(embedded["db"])
    media_before = sha256(embedded["media"] / MEDIA_NAME)
    # when it is restored
    result = manage(embedded["env"], "restore", "--yes", str(archive), check=False)
    # then it is refused, and the database file and the media are untouched
    assert result.returncode != 0
    assert message in result.stderr
    assert sha256(embedded["db"]) == database_before
    assert sha256(embedded["media"] / MEDIA_NAME) == media_before
    assert not list(embedded["folder"].glob(".svp-restore-*")), "the staging folder is cleaned up"


@sqlite_suite_only
def test_restore_without_yes_and_without_a_terminal_refuses(embedded, tmp_path):
    # given a good archive
    archive = backup(embedded["env"], tmp_path)
    database_before = sha256(embedded["db"])
    # when it is restored without --yes, stdin not a terminal
    result = manage(embedded["env"], "restore", str(archive), check=False)
    # then it refuses and nothing changed
    assert result.returncode != 0
    assert "no --yes and no terminal" in result.stderr
    assert sha256(embedded["db"]) == database_before


@sqlite_suite_only
def test_a_postgresql_archive_is_refused_on_sqlite(embedded, tmp_path):
    # given a well-formed PostgreSQL archive
    archive = foreign_archive(tmp_path / "postgres.tar.gz", "postgresql")
    database_before = sha256(embedded["db"])
    # when it is restored into the SQLite site
    result = manage(embedded["env"], "restore", "--yes", str(archive), check=False)
    # then the vendor mismatch is refused by name and nothing changed
    assert result.returncode != 0
    assert "holds a postgresql database and this site runs on sqlite" in result.stderr
    assert sha256(embedded["db"]) == database_before


def test_a_failed_backup_leaves_no_archive(tmp_path):
    # given a site whose SQLite database cannot be opened (its folder is a file)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    environment = site_environment(tmp_path, SQLITE_PATH=str(blocker / "db.sqlite3"))
    # when a backup is attempted
    result = manage(environment, "backup", "--output", str(tmp_path / "out"), check=False)
    # then it fails and leaves nothing behind in the output folder
    assert result.returncode != 0
    assert not [path for path in (tmp_path / "out").iterdir() if path.name.endswith((".gz", ".partial"))]


# --- PostgreSQL (production) -----------------------------------------------------------------------


def psql_admin(statement: str) -> None:
    import psycopg

    parameters = connection.settings_dict
    with psycopg.connect(
        dbname="postgres",
        host=parameters.get("HOST") or None,
        port=parameters.get("PORT") or None,
        user=parameters.get("USER") or None,
        password=parameters.get("PASSWORD") or None,
        autocommit=True,
    ) as admin:
        admin.execute(statement)


def scratch_url() -> str:
    parameters = connection.settings_dict
    credentials = parameters.get("USER") or "postgres"
    if parameters.get("PASSWORD"):
        credentials += f":{parameters['PASSWORD']}"
    host = parameters.get("HOST") or "127.0.0.1"
    port = parameters.get("PORT") or 5432
    return f"postgres://{credentials}@{host}:{port}/{SCRATCH_DATABASE}"


@pytest.mark.postgres
def test_postgresql_drill_brings_back_deleted_rows_and_media(postgres, tmp_path):
    import shutil

    require_or_skip(bool(shutil.which("pg_dump")), "REQUIRE_POSTGRES", "skipped: pg_dump is not installed")
    psql_admin(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE} WITH (FORCE)")
    psql_admin(f"CREATE DATABASE {SCRATCH_DATABASE}")
    try:
        environment = site_environment(tmp_path, DATABASE_URL=scratch_url())
        seconds = prepare(environment)
        timings = drill(environment, "postgresql", tmp_path / "media", tmp_path / "backups")
        print(
            f"\nPostgreSQL drill: prepared {seconds:.1f}s, backup {timings['backup']:.1f}s, "
            f"restore {timings['restore']:.1f}s"
        )
        # and an SQLite archive is refused by name
        archive = foreign_archive(tmp_path / "sqlite.tar.gz", "sqlite")
        result = manage(environment, "restore", "--yes", str(archive), check=False)
        assert result.returncode != 0
        assert "holds a sqlite database and this site runs on postgresql" in result.stderr
        assert state(environment)["bac_ha"] == 1
    finally:
        psql_admin(f"DROP DATABASE IF EXISTS {SCRATCH_DATABASE} WITH (FORCE)")
