"""Retention: closed cases' personal data is removed after the period, by a command that reports."""

import io
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from core.crypto import blind_index
from petitions.models import Attachment, Petition, Petitioner
from petitions.retention import ANONYMOUS_NAME
from petitions.services import PetitionerInput
from petitions.states import Action, State
from tests.petitions.conftest import PHONE, PNG_BYTES, VALID_ID


def run(*args) -> str:
    out = io.StringIO()
    call_command("anonymise_closed", *args, stdout=out)
    return out.getvalue()


def test_people_of_old_closed_cases_are_anonymised_and_the_rest_kept(clock, register, walk, act, desk_clerk):
    clock.set(date(2022, 3, 1))
    old = register()
    act(Action.ATTACH, old, desk_clerk, files=[SimpleUploadedFile("id.png", PNG_BYTES, content_type="image/png")])
    old = walk(Petition.objects.get(pk=old.pk), State.CLOSED)
    still_open = register(petitioners=[PetitionerInput(name="王强", phone="13900001111")])
    clock.set(date(2026, 3, 1))
    recent = walk(register(petitioners=[PetitionerInput(name="赵敏", phone="13700002222")]), State.CLOSED)
    person = old.petitioners.get()
    assert person.phone == PHONE

    report = run("--dry-run", "--days", "365")
    assert "petitioners anonymised: 1 (on 1 petitions)" in report and "files deleted: 1" in report
    assert Petitioner.objects.get(pk=person.pk).phone == PHONE  # the dry run changed nothing

    report = run("--days", "365")
    assert "petitioners anonymised: 1" in report
    person.refresh_from_db()
    assert (person.name, person.phone, person.id_number, person.address) == (ANONYMOUS_NAME, "", "", "")
    assert person.anonymised_at is not None and person.phone_hash == ""
    assert not Attachment.objects.filter(petition=old).exists()
    assert Petition.objects.get(pk=old.pk).title == old.title  # the case itself stays
    assert still_open.petitioners.get().phone == "13900001111"
    assert recent.petitioners.get().phone == "13700002222"
    assert "petitioners anonymised: 0" in run("--days", "365")  # nothing left to do


def test_a_person_with_a_newer_open_case_keeps_their_details(clock, register, walk):
    clock.set(date(2022, 3, 1))
    walk(register(), State.CLOSED)
    clock.set(date(2026, 3, 1))
    register()  # the same person (same ID number) comes back
    run("--days", "365")
    person = Petitioner.objects.get(id_number_hash=blind_index("id_number", VALID_ID))
    assert person.anonymised_at is None and person.petitions.count() == 2


def test_the_default_period_comes_from_the_settings(clock, register, walk, settings):
    settings.RETENTION_DAYS = 30
    clock.set(date(2026, 1, 5))
    walk(register(), State.CLOSED)
    clock.set(date(2026, 1, 5) + timedelta(days=29))
    assert "petitioners anonymised: 0" in run()
    clock.set(date(2026, 1, 5) + timedelta(days=31))
    assert "petitioners anonymised: 1" in run()
