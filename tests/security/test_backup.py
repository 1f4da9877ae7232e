"""`backup` and `restore`: a database with petitions, uploads and mediation cases goes
into one archive and comes back, whole, into an empty database (a second SQLite file, or
a fresh PostgreSQL database made here when the suite runs on PostgreSQL)."""

import io
import json
import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.utils import load_backend

from core.backup import BackupError, create_backup, restore_backup
from core.models import Town, User
from mediation.models import MediationCase
from petitions import services as petition_services
from petitions.models import Attachment, Petition, TimelineEntry
from tests.factories import PASSWORD
from tests.images import png_bytes
from tests.mediation.conftest import members_a, new_case, rooms
from tests.petitions.conftest import category, register, registration

pytestmark = pytest.mark.django_db(transaction=True)

# The petition and mediation tests' fixtures, shared.
__all__ = ["category", "members_a", "new_case", "register", "registration", "rooms"]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def desk_data(reference_data, register, new_case, desk_clerk):
    """A small working desk: petitions with photos and letters attached, mediation cases."""
    petitions = [register(title=f"诉求{n}") for n in range(4)]
    for n, petition in enumerate(petitions[:3]):
        files = [
            SimpleUploadedFile(f"photo-{n}.png", png_bytes(color=(n * 60, 40, 90)), content_type="image/png"),
            SimpleUploadedFile(f"letter-{n}.pdf", PDF, content_type="application/pdf"),
        ]
        petition_services.petition_attach(petition=petition, actor=desk_clerk, files=files)
    cases = [new_case(summary=f"纠纷{n}") for n in range(2)]
    return petitions, cases


@pytest.fixture
def restore_target(tmp_path):
    """An empty database beside the test's own, reachable as the alias "restored"."""
    default = connections["default"].settings_dict
    created = None
    if connection.vendor == "postgresql":
        created = f"restore_{uuid.uuid4().hex[:12]}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{created}"')
        name = created
    else:
        name = str(tmp_path / "restored.sqlite3")
    # Handed to the connection handler directly, not through settings.DATABASES: Django's
    # test case then treats it as a connection made on purpose during the test.
    wrapper = load_backend(default["ENGINE"]).DatabaseWrapper({**default, "NAME": name}, alias="restored")
    connections["restored"] = wrapper
    yield "restored"
    wrapper.close()
    del connections["restored"]
    if created:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')


def media_snapshot(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in root.rglob("*") if path.is_file()}


def test_backup_restores_every_record_and_file_into_an_empty_database(desk_data, restore_target, settings, tmp_path):
    petitions = dict(Petition.objects.values_list("tracking_number", "title"))
    cases = set(MediationCase.objects.values_list("tracking_number", flat=True))
    timeline = TimelineEntry.objects.count()
    attachments = dict(Attachment.objects.values_list("id", "file"))
    assert len(petitions) == 4 and len(cases) == 2 and len(attachments) == 6
    files = media_snapshot(Path(settings.MEDIA_ROOT))
    assert len(files) == 6

    archive, manifest = create_backup(tmp_path / "backups")
    assert archive.parent == tmp_path / "backups" and archive.name.endswith(".tar.gz")
    assert manifest["engine"] == connection.vendor
    assert manifest["tables"]["petitions.Petition"]["rows"] == len(petitions)
    assert manifest["tables"]["mediation.MediationCase"]["rows"] == len(cases)
    assert len(manifest["media"]) == 6

    # The desk is lost; a new machine has an empty database and no uploads.
    settings.MEDIA_ROOT = tmp_path / "new-media"
    result = restore_backup(archive, using=restore_target)
    assert result.rows == sum(entry["rows"] for entry in manifest["tables"].values())
    assert result.files == 6

    restored = restore_target
    assert dict(Petition.objects.using(restored).values_list("tracking_number", "title")) == petitions
    assert set(MediationCase.objects.using(restored).values_list("tracking_number", flat=True)) == cases
    assert TimelineEntry.objects.using(restored).count() == timeline
    assert dict(Attachment.objects.using(restored).values_list("id", "file")) == attachments
    assert Town.objects.using(restored).count() == 1
    assert media_snapshot(Path(settings.MEDIA_ROOT)) == files
    # The accounts work: the password still matches.
    assert User.objects.using(restored).get(username="clerk").check_password(PASSWORD)


def test_restore_refuses_a_database_that_holds_data(desk_data, settings, tmp_path):
    archive, _ = create_backup(tmp_path / "desk.tar.gz")
    assert archive == tmp_path / "desk.tar.gz"
    before = Petition.objects.count()
    with pytest.raises(BackupError, match="already holds data"):
        restore_backup(archive)
    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore", str(archive))
    assert Petition.objects.count() == before


def test_restore_force_replaces_the_data(desk_data, settings, tmp_path):
    archive, manifest = create_backup(tmp_path / "desk.tar.gz")
    Petition.objects.filter(pk=Petition.objects.order_by("pk").first().pk).update(title="changed after the backup")
    Town.objects.create(code="999999999", name="后来的镇")
    out = io.StringIO()
    call_command("restore", str(archive), "--force", stdout=out)
    assert "rows" in out.getvalue()
    assert not Petition.objects.filter(title="changed after the backup").exists()
    assert Town.objects.count() == 1
    assert Petition.objects.count() == manifest["tables"]["petitions.Petition"]["rows"]


def rewrite(archive: Path, target: Path, change) -> Path:
    """A copy of the archive with one member's bytes changed by `change(name, data)`."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(target, "w:gz") as out:
        for member in source.getmembers():
            data = change(member.name, source.extractfile(member).read())
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    return target


def test_a_damaged_archive_is_refused_before_anything_changes(desk_data, restore_target, tmp_path):
    archive, manifest = create_backup(tmp_path / "desk.tar.gz")
    victim = manifest["media"][0]["path"]
    damaged = rewrite(archive, tmp_path / "damaged.tar.gz", lambda name, data: data + b"x" if name == victim else data)
    with pytest.raises(BackupError, match="damaged"):
        restore_backup(damaged, using=restore_target)
    assert "core_user" not in connections[restore_target].introspection.table_names()


def test_an_archive_with_a_path_outside_the_media_folder_is_refused(desk_data, restore_target, tmp_path):
    archive, _ = create_backup(tmp_path / "desk.tar.gz")

    def escape(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["media"][0]["path"] = "media/../../escaped.txt"
        return json.dumps(manifest).encode()

    with pytest.raises(BackupError, match="unsafe path"):
        restore_backup(rewrite(archive, tmp_path / "evil.tar.gz", escape), using=restore_target)
    assert not (tmp_path / "escaped.txt").exists()


def test_backup_command_writes_a_dated_archive(desk_data, tmp_path):
    out = io.StringIO()
    call_command("backup", str(tmp_path / "nightly"), stdout=out)
    [archive] = (tmp_path / "nightly").glob("desk-backup-*.tar.gz")
    assert str(archive) in out.getvalue()
    with tarfile.open(archive, "r:gz") as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert names[0] == "manifest.json"
    assert manifest["database"]["file"] in names
    assert {entry["path"] for entry in manifest["media"]} <= set(names)
    assert manifest["tables"]["core.User"]["rows"] == User.objects.count()
    assert not list((tmp_path / "nightly").glob(".*partial"))
