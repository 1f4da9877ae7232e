"""Writing the demo's petitions fast: PostgreSQL gets them through COPY, other databases
through ``bulk_create``.

A million petitions bring about five million timeline entries, a million petitioners and as
many links. Model instances and ``bulk_create`` cost ~60 µs a row in Python; COPY of plain
tuples a few µs, and it runs in a second thread while the next batch is drawn, so the
database and Python work at the same time. The rows are exactly what ``bulk_create`` would
write (the model's defaults, the same encryption and keyed hashes of the phone numbers), in
the same order, with primary keys from the tables' own sequences.

Foreign keys: every id a row points at comes from the same load (or existed before it), so
when the database user may (a superuser, as on the benchmark machine) the per-row foreign-key
triggers are skipped during the COPY (``session_replication_role = replica``) and each
reference is then checked once, with one anti-join per foreign key, before the transaction
commits. Otherwise PostgreSQL checks each row at commit, which is slower but the same result.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from functools import cache
from operator import itemgetter

from django.db import connection
from django.utils import timezone

from core.crypto import blind_index, encrypt
from petitions.models import Petition, Petitioner, PetitionPetitioner, TimelineEntry

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
PETITIONER_COLUMNS = ("id", "town_id", "name", "phone", "phone_hash", "address", "village_id")
LINK_COLUMNS = ("petition_id", "petitioner_id", "is_representative", "order")
ENTRY_COLUMNS = ("petition_id", "at", "actor_id", "action", "from_state", "to_state", "note", "public")
AUTO_FIELDS = ("AutoField", "BigAutoField", "SmallAutoField")
TABLES = (Petitioner, Petition, TimelineEntry, PetitionPetitioner)


@cache
def petition_defaults() -> dict[str, object]:
    """Every column of a petition with the value a new ``Petition()`` would have."""
    return {f.attname: f.get_default() for f in Petition._meta.concrete_fields}


def _str(value: str) -> str:
    return value if value.isprintable() and "\\" not in value else value.translate(_ESCAPES)


def _none(value) -> str:
    return "\\N"


def _bool(value) -> str:
    return "t" if value else "f"


_FORMATS = {str: _str, type(None): _none, bool: _bool, int: str, datetime: datetime.isoformat, date: date.isoformat}


def _text(value) -> str:
    """One value in COPY's text format."""
    format_ = _FORMATS.get(type(value))
    if format_ is None:  # TextChoices members are str; anything else by its str()
        format_ = _FORMATS[type(value)] = _str if isinstance(value, str) else str
    return format_(value)


def use_copy() -> bool:
    return connection.vendor == "postgresql"


def _phone_hash(phone: str) -> str:
    return blind_index("phone", phone)


class CopyWriter:
    """Builds each batch's COPY text in this thread and sends it from a second one."""

    def __init__(self):
        self.raw = connection.connection  # the same connection: one transaction
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None
        self.tails: dict = {}
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            self.replica = bool(cursor.fetchone()[0])
            if self.replica:
                cursor.execute("SET LOCAL session_replication_role = replica")
            self.next_id = {}
            for model in (Petitioner, Petition):
                cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [model._meta.db_table])
                self.next_id[model] = cursor.fetchone()[0]

    def ids(self, model, n: int) -> range:
        start = self.next_id[model]
        self.next_id[model] = start + n
        return range(start, start + n)

    def _tail(self, model, columns: Sequence[str]) -> tuple[list[str], str]:
        """The model's other columns (not an auto primary key) and their default values, as a
        new model instance would have them."""
        key = (model, tuple(columns))
        if key not in self.tails:
            rest = [
                f
                for f in model._meta.concrete_fields
                if f.attname not in columns and not (f.primary_key and f.get_internal_type() in AUTO_FIELDS)
            ]
            now = timezone.now()
            auto = [getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) for f in rest]
            tail = "".join("\t" + _text(now if a else f.get_default()) for f, a in zip(rest, auto, strict=True))
            self.tails[key] = ([*columns, *(f.column for f in rest)], tail + "\n")
        return self.tails[key]

    def text(self, model, columns: Sequence[str], rows: Iterable[Sequence]) -> tuple[str, str]:
        names, tail = self._tail(model, columns)
        buffer = io.StringIO()
        write = buffer.write
        for row in rows:
            write("\t".join([_text(v) for v in row]))
            write(tail)
        quoted = ", ".join(connection.ops.quote_name(c) for c in names)
        return f"COPY {model._meta.db_table} ({quoted}) FROM STDIN", buffer.getvalue()

    def send(self, statements: list[tuple[str, str]]) -> None:
        self.wait()

        def run():
            try:
                with self.raw.cursor() as cursor:
                    for sql, data in statements:
                        if hasattr(cursor, "copy_expert"):  # psycopg2
                            cursor.copy_expert(sql, io.StringIO(data), size=1 << 20)
                        else:  # psycopg 3
                            with cursor.copy(sql) as copy:
                                copy.write(data)
            except BaseException as error:  # re-raised in the main thread by wait()
                self.error = error

        self.thread = threading.Thread(target=run, name="demo-copy")
        self.thread.start()

    def wait(self) -> None:
        if self.thread is not None:
            self.thread.join()
            self.thread = None
        if self.error is not None:
            error, self.error = self.error, None
            raise error

    def finish(self) -> None:
        self.wait()
        with connection.cursor() as cursor:
            for model in (Petitioner, Petition):
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                    [model._meta.db_table, self.next_id[model] - 1],
                )
            if self.replica:
                cursor.execute("SET LOCAL session_replication_role = origin")
                check_references(cursor)

    def write(self, *, town, people, lives) -> None:
        for person, pk in zip(people, self.ids(Petitioner, len(people)), strict=True):
            person.pk = pk
        for life, pk in zip(lives, self.ids(Petition, len(lives)), strict=True):
            life.petition.id = pk
        now = timezone.now()
        for life in lives:
            draft = life.petition
            draft.updated_at = now
            if life.earlier is not None:
                draft.repeat_of_id = life.earlier.id
        columns = list(petition_defaults())
        values = itemgetter(*columns)
        statements = [
            self.text(
                Petitioner,
                PETITIONER_COLUMNS,
                (
                    (p.pk, town.pk, p.name, encrypt(p.phone), _phone_hash(p.phone), p.address, p.village_id)
                    for p in people
                ),
            ),
            self.text(Petition, columns, (values(life.petition.__dict__) for life in lives)),
            self.text(
                TimelineEntry, ENTRY_COLUMNS, ((life.petition.id, *entry) for life in lives for entry in life.entries)
            ),
            self.text(PetitionPetitioner, LINK_COLUMNS, _links(lives)),
        ]
        self.send(statements)


def check_references(cursor) -> None:
    """One anti-join per foreign key of the loaded tables: the checks the skipped triggers
    would have made row by row. Raises (and so rolls the load back) on a dangling id."""
    for model in TABLES:
        for f in model._meta.concrete_fields:
            if not f.is_relation or not f.db_constraint:
                continue
            target = f.target_field
            q = connection.ops.quote_name
            source, column, other, key = (
                q(model._meta.db_table),
                q(f.column),
                q(target.model._meta.db_table),
                q(target.column),
            )
            cursor.execute(
                f"SELECT count(*) FROM {source} a LEFT JOIN {other} b ON a.{column} = b.{key} "  # noqa: S608 - model names
                f"WHERE a.{column} IS NOT NULL AND b.{key} IS NULL"
            )
            dangling = cursor.fetchone()[0]
            if dangling:
                raise RuntimeError(f"{dangling} rows of {model._meta.db_table}.{f.column} point nowhere")


def _links(lives):
    for life in lives:
        seen = set()
        collective = len(life.people) > 1
        for i, person in enumerate(life.people):
            if person.pk in seen:  # the same person drawn twice for one collective petition
                continue
            seen.add(person.pk)
            yield (life.petition.id, person.pk, collective, i)


class BulkWriter:
    """Any database: model instances and ``bulk_create``."""

    def write(self, *, town, people, lives) -> None:
        rows = [
            Petitioner(town=town, name=p.name, phone=p.phone, address=p.address, village_id=p.village_id)
            for p in people
        ]
        Petitioner.objects.bulk_create(rows, batch_size=1000)
        for person, row in zip(people, rows, strict=True):
            person.pk = row.pk
        columns = [c for c in petition_defaults() if c != "id"]
        petitions = [Petition(**{c: getattr(life.petition, c) for c in columns}) for life in lives]
        Petition.objects.bulk_create(petitions, batch_size=1000)
        for life, petition in zip(lives, petitions, strict=True):
            life.petition.id = petition.pk
        entries = [
            TimelineEntry(**dict(zip(ENTRY_COLUMNS, (life.petition.id, *entry), strict=True)))
            for life in lives
            for entry in life.entries
        ]
        TimelineEntry.objects.bulk_create(entries, batch_size=2000)
        repeats = []
        for life, petition in zip(lives, petitions, strict=True):
            if life.earlier is not None:
                petition.repeat_of_id = life.petition.repeat_of_id = life.earlier.id
                repeats.append(petition)
        Petition.objects.bulk_update(repeats, ["repeat_of"], batch_size=1000)
        links = [
            PetitionPetitioner(petition_id=a, petitioner_id=b, is_representative=c, order=d)
            for a, b, c, d in _links(lives)
        ]
        PetitionPetitioner.objects.bulk_create(links, batch_size=2000)

    def finish(self) -> None:
        pass


def writer():
    return CopyWriter() if use_copy() else BulkWriter()
