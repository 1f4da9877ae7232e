"""Backup and restore of the whole desk: the database and the uploaded files, in one
``.tar.gz`` with a manifest.

Archive layout::

    manifest.json        when, which engine, rows per table, size + SHA-256 of every file
    database.dump        PostgreSQL: pg_dump custom format (no owner, no privileges)
    database.sqlite3     SQLite: a copy made with SQLite's online backup API
    media/<path>         every file under MEDIA_ROOT

The row counts are taken from the same snapshot as the dump (PostgreSQL: an exported
snapshot that pg_dump imports; SQLite: counted in the copy), so a restore can prove it
brought back every row. A restore checks every checksum before it touches anything,
refuses a database that already holds data unless forced, and counts again afterwards."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DUMP_NAMES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
# A database holds data when it has staff accounts or a town: everything the desk keeps
# belongs to a town, and a desk in use has accounts. What `migrate` alone seeds (holiday
# calendar, categories, time limits) does not count.
DATA_TABLES_LABELS = ("core.User", "core.Town")


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in one line."""


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict[str, Any]
    tables: int
    rows: int
    files: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _tables() -> dict[str, str]:
    """label → table of every concrete model (auto-created many-to-many tables too)."""
    tables: dict[str, str] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        tables[meta.label] = meta.db_table
    return dict(sorted(tables.items()))


def _engine(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in DUMP_NAMES:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    return vendor


def _count_rows(cursor, quote, tables: dict[str, str], existing: set[str]) -> dict[str, int]:
    counts = {}
    for label, table in tables.items():
        if table in existing:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - names from the models
            counts[label] = cursor.fetchone()[0]
    return counts


# --- PostgreSQL -----------------------------------------------------------------------------


def _pg_env(alias: str) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for the client tools, the password in the environment."""
    params = connections[alias].settings_dict
    args = []
    if params.get("HOST"):
        args += ["--host", str(params["HOST"])]
    if params.get("PORT"):
        args += ["--port", str(params["PORT"])]
    if params.get("USER"):
        args += ["--username", str(params["USER"])]
    env = {**os.environ}
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    tool = command[0]
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} is not installed (Debian: apt-get install postgresql-client).")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupError(f"{tool} failed: {last}")


def _pg_dump(alias: str, target: Path, tables: dict[str, str]) -> dict[str, int]:
    connection = connections[alias]
    if connection.in_atomic_block:
        raise BackupError("A backup cannot run inside a transaction.")
    args, env = _pg_env(alias)
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        # The counts and pg_dump see the same moment: pg_dump imports this snapshot.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _count_rows(
            cursor, connection.ops.quote_name, tables, set(connection.introspection.table_names(cursor))
        )
        _run(
            [
                "pg_dump",
                *args,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={target}",
                connection.settings_dict["NAME"],
            ],
            env,
        )
    return counts


def _pg_restore(alias: str, dump: Path) -> None:
    connection = connections[alias]
    args, env = _pg_env(alias)
    connection.close()
    _run(
        [
            "pg_restore",
            *args,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ],
        env,
    )


# --- SQLite -----------------------------------------------------------------------------------


def _sqlite_dump(alias: str, target: Path, tables: dict[str, str]) -> dict[str, int]:
    connection = connections[alias]
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)  # online: writers may go on meanwhile
        cursor = copy.cursor()
        existing = {row[0] for row in cursor.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        counts = _count_rows(cursor, connection.ops.quote_name, tables, existing)
    finally:
        copy.close()
    return counts


def _sqlite_restore(alias: str, source: Path) -> None:
    connection = connections[alias]
    connection.ensure_connection()
    backup = sqlite3.connect(source)
    try:
        backup.backup(connection.connection)
    finally:
        backup.close()
    connection.close()


# --- Archive ----------------------------------------------------------------------------------


def _media_files(root: Path) -> Iterator[Path]:
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path


def archive_name(now=None) -> str:
    now = timezone.localtime(now)
    return f"desk-backup-{now:%Y%m%d-%H%M%S}.tar.gz"


def create_backup(destination: Path | str, *, using: str = "default") -> tuple[Path, dict[str, Any]]:
    """Write the archive to ``destination``: a file name ending in .tar.gz, or a folder
    (created if need be) that gets a dated name inside it. Returns its path and the
    manifest. The file appears whole or not at all."""
    destination = Path(destination)
    if destination.is_dir() or not destination.name.endswith((".tar.gz", ".tgz")):
        destination = destination / archive_name()
    destination.parent.mkdir(parents=True, exist_ok=True)
    engine = _engine(using)
    tables = _tables()
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="desk-backup-") as work:
        dump = Path(work) / DUMP_NAMES[engine]
        counts = (_pg_dump if engine == "postgresql" else _sqlite_dump)(using, dump, tables)
        media = [
            {"path": MEDIA_PREFIX + path.relative_to(media_root).as_posix(), "size": path.stat().st_size,
             "sha256": _sha256(path)}
            for path in _media_files(media_root)
        ]  # fmt: skip
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "engine": engine,
            "database": {"file": dump.name, "size": dump.stat().st_size, "sha256": _sha256(dump)},
            "tables": {label: {"table": tables[label], "rows": rows} for label, rows in counts.items()},
            "media": media,
        }
        (Path(work) / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        partial = destination.with_name(f".{destination.name}.partial")
        try:
            with tarfile.open(partial, "w:gz") as tar:
                tar.add(Path(work) / MANIFEST, arcname=MANIFEST)
                tar.add(dump, arcname=dump.name)
                for entry in media:
                    tar.add(media_root / entry["path"][len(MEDIA_PREFIX) :], arcname=entry["path"])
            os.replace(partial, destination)
        finally:
            partial.unlink(missing_ok=True)
    return destination, manifest


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix()


@contextmanager
def _unpacked(archive: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Extract the archive's listed files into a temporary folder, each checked against
    the manifest; anything unlisted, unsafe or altered stops the restore."""
    if not archive.is_file():
        raise BackupError(f"No backup at {archive}.")
    with tempfile.TemporaryDirectory(prefix="desk-restore-") as work, tarfile.open(archive, "r:gz") as tar:
        try:
            member = tar.getmember(MANIFEST)
            manifest = json.load(tar.extractfile(member))
        except (KeyError, ValueError) as error:
            raise BackupError("This is not a desk backup: its manifest is missing or unreadable.") from error
        if manifest.get("format") != FORMAT:
            raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
        expected = {manifest["database"]["file"]: manifest["database"]}
        expected.update({entry["path"]: entry for entry in manifest["media"]})
        for name, entry in expected.items():
            if not _safe_member(name):
                raise BackupError(f"Refusing an unsafe path in the backup: {name!r}.")
            try:
                member = tar.getmember(name)
            except KeyError as error:
                raise BackupError(f"The backup lacks {name}.") from error
            if not member.isfile():
                raise BackupError(f"{name} in the backup is not a regular file.")
            target = Path(work) / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(member) as source, open(target, "wb") as out:
                shutil.copyfileobj(source, out)
            if target.stat().st_size != entry["size"] or _sha256(target) != entry["sha256"]:
                raise BackupError(f"{name} in the backup is damaged (checksum differs).")
        yield Path(work), manifest


def holds_data(*, using: str = "default") -> bool:
    connection = connections[using]
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        wanted = {label: apps.get_model(label)._meta.db_table for label in DATA_TABLES_LABELS}
        return any(_count_rows(cursor, connection.ops.quote_name, wanted, existing).values())


def count_rows(*, using: str = "default", tables: dict[str, str]) -> dict[str, int]:
    connection = connections[using]
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        return _count_rows(cursor, connection.ops.quote_name, tables, existing)


def restore_backup(archive: Path | str, *, using: str = "default", force: bool = False) -> RestoreResult:
    """Put the archive's database and files back. Refuses a database that holds data
    unless ``force``; afterwards every table must hold the rows the manifest lists and
    every file its checksum."""
    archive = Path(archive)
    engine = _engine(using)
    with _unpacked(archive) as (work, manifest):
        if manifest["engine"] != engine:
            raise BackupError(f"This backup is of a {manifest['engine']} database; the configured one is {engine}.")
        if not force and holds_data(using=using):
            raise BackupError("The database already holds data; restore only into an empty one, or use --force.")
        dump = work / manifest["database"]["file"]
        (_pg_restore if engine == "postgresql" else _sqlite_restore)(using, dump)
        media_root = Path(settings.MEDIA_ROOT)
        for entry in manifest["media"]:
            target = media_root / entry["path"][len(MEDIA_PREFIX) :]
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(work / entry["path"], target)
    return verify_restore(manifest, using=using)


def verify_restore(manifest: dict[str, Any], *, using: str = "default") -> RestoreResult:
    """Count every table and check every file against the manifest."""
    tables = {label: entry["table"] for label, entry in manifest["tables"].items()}
    found = count_rows(using=using, tables=tables)
    wrong = [
        f"{label}: {found.get(label, 'missing')} rows, expected {entry['rows']}"
        for label, entry in manifest["tables"].items()
        if found.get(label) != entry["rows"]
    ]
    if wrong:
        raise BackupError("The restored database differs from the backup: " + "; ".join(wrong[:5]))
    media_root = Path(settings.MEDIA_ROOT)
    for entry in manifest["media"]:
        path = media_root / entry["path"][len(MEDIA_PREFIX) :]
        if not path.is_file() or _sha256(path) != entry["sha256"]:
            raise BackupError(f"The restored file {entry['path']} differs from the backup.")
    return RestoreResult(
        manifest=manifest,
        tables=len(found),
        rows=sum(found.values()),
        files=len(manifest["media"]),
    )
