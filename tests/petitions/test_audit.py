"""The audit trail: who changed what, old → new, masked personal data, not editable."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from petitions.models import Petition, Petitioner
from petitions.states import Action
from tests.petitions.conftest import PHONE, VALID_ID


def entries(obj):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_pk=str(obj.pk)
    ).order_by("id")


def test_a_petition_change_is_recorded_with_who_and_old_to_new(register, act, desk_clerk, units):
    p = register()
    p = act(Action.ASSIGN, p, desk_clerk)
    change = entries(p).filter(action=LogEntry.Action.UPDATE).last()
    assert change.actor is None  # services called outside a request: the actor is the timeline's
    assert change.changes_dict["state"] == ["registered", "handling"]
    assert str(change.changes_dict["unit"][1]) == str(units.zongzhi.pk)


def test_the_actor_is_recorded_for_changes_made_through_the_pages(login, desk_clerk, register, units):
    p = register()
    page = login(desk_clerk).get(reverse("petitions:detail", args=[p.tracking_number]))
    assert page.status_code == 200
    response = login(desk_clerk).post(
        reverse("petitions:act", args=[p.tracking_number, Action.ACCEPT]), {"accept-version": p.version}
    )
    assert response.status_code == 302
    assert Petition.objects.get(pk=p.pk).state == "handling"
    last = entries(p).last()
    assert last.actor == desk_clerk and last.remote_addr == "127.0.0.1"


def test_personal_data_is_masked_in_the_trail(town):
    person = Petitioner.objects.create(town=town, name="刘芳", phone=PHONE)
    created = entries(person).get()
    text = str(created.changes)
    assert PHONE not in text and "1234" in text
    assert "phone_hash" not in created.changes_dict


@pytest.mark.parametrize("method", ["has_add_permission", "has_change_permission", "has_delete_permission"])
def test_nobody_can_edit_the_trail_in_the_admin(rf, administrator, method):
    from django.contrib import admin

    model_admin = admin.site._registry[LogEntry]
    request = rf.get("/admin/auditlog/logentry/")
    request.user = administrator
    args = (request,) if method == "has_add_permission" else (request, None)
    assert getattr(model_admin, method)(*args) is False


def test_the_admin_lists_the_trail(login, administrator, register):
    register()
    response = login(administrator).get(reverse("admin:auditlog_logentry_changelist"))
    assert response.status_code == 200


def test_the_trail_never_holds_a_query_code_or_a_name_in_clear(register, town):
    p = register()
    created = entries(p).get(action=LogEntry.Action.CREATE)
    stored = str(created.changes)
    assert p.query_code not in stored
    _old, new = created.changes_dict["query_code"]
    assert new.startswith("#") and len(new) == 17  # a keyed fingerprint: a change still shows as old → new
    Petition.objects.filter(pk=p.pk)  # same code, same fingerprint
    from core.audit import secret

    assert secret(p.query_code) == new
    person = p.petitioners.get()
    assert person.name not in str(entries(person).get().changes)
    assert entries(person).get().changes_dict["name"][1] == person.masked_name
    assert person.name not in entries(person).get().object_repr


def test_an_id_card_number_and_an_address_are_masked(town):
    person = Petitioner.objects.create(
        town=town, name="欧阳明", phone=PHONE, id_number=VALID_ID, address="长岭村3组12号"
    )
    changes = entries(person).get().changes_dict
    assert changes["name"][1] == "欧阳*"
    assert changes["id_number"][1] == VALID_ID[:6] + "********" + VALID_ID[-4:]
    assert changes["address"][1] == "长*******"
    assert VALID_ID not in str(changes) and "3组12号" not in str(changes)


@pytest.fixture
def inspector_with_admin(inspector):
    inspector.is_staff = inspector.is_superuser = True
    inspector.save()
    return inspector


def test_accusations_are_hidden_from_the_administrator_in_the_admin(
    login, administrator, inspector_with_admin, accusation, register, units
):
    from petitions.services import PetitionerInput

    secret_case = accusation(petitioners=[PetitionerInput(name="赵举报", phone="13911112222")])
    plain = register()
    accuser = secret_case.petitioners.get()
    client = login(administrator)
    listing = client.get(reverse("admin:petitions_petition_changelist"), {"kind__exact": "accusation"})
    assert listing.status_code == 200 and secret_case.tracking_number not in listing.content.decode()
    page = client.get(reverse("admin:petitions_petition_change", args=[secret_case.pk]))
    assert page.status_code == 302  # "does not exist", as for any unknown id
    people = client.get(reverse("admin:petitions_petitioner_changelist")).content.decode()
    assert accuser.masked_name not in people and plain.petitioners.get().masked_name in people
    assert client.get(reverse("admin:petitions_petitioner_change", args=[accuser.pk])).status_code == 302
    trail = client.get(reverse("admin:auditlog_logentry_changelist")).content.decode()
    assert secret_case.tracking_number not in trail and plain.tracking_number in trail
    for entry in LogEntry.objects.filter(additional_data__accusation=True):
        assert client.get(reverse("admin:auditlog_logentry_change", args=[entry.pk])).status_code == 302
    assert LogEntry.objects.filter(additional_data__accusation=True).count() >= 2  # the case and its accuser

    inspector_client = login(inspector_with_admin)
    listing = inspector_client.get(reverse("admin:petitions_petition_changelist"), {"kind__exact": "accusation"})
    assert secret_case.tracking_number in listing.content.decode()
    assert (
        secret_case.tracking_number
        in inspector_client.get(reverse("admin:auditlog_logentry_changelist")).content.decode()
    )


def test_the_upgrade_scrubs_the_trail_written_before(accusation, register, units):
    """Entries written by earlier releases held the query code and names in clear and were
    not tagged: the migration rewrites them as the trail writes them now."""
    import importlib

    from django.apps import apps

    from core.audit import secret

    scrub = importlib.import_module("petitions.migrations.0015_scrub_audit_trail")
    plain, secret_case = register(), accusation()
    person = plain.petitioners.get()
    old_style = [
        (plain, {"query_code": ["None", plain.query_code], "title": ["None", plain.title]}),
        (secret_case, {"query_code": ["None", secret_case.query_code]}),
        (person, {"name": ["None", "刘芳芳"], "address": ["", "长岭村3组12号"]}),
    ]
    LogEntry.objects.all().delete()
    for obj, changes in old_style:
        LogEntry.objects.log_create(obj, action=LogEntry.Action.CREATE, changes=changes, force_log=True)
    LogEntry.objects.update(additional_data=None)

    scrub.forwards(apps, None)

    assert entries(plain).get().changes_dict["query_code"] == ["None", secret(plain.query_code)]
    assert entries(plain).get().changes_dict["title"] == ["None", plain.title]
    assert entries(plain).get().additional_data is None
    assert entries(secret_case).get().additional_data == {"accusation": True}
    assert entries(person).get().changes_dict == {"name": ["None", "刘**"], "address": ["", "长*******"]}
    text = str(list(LogEntry.objects.values_list("changes", flat=True)))
    assert plain.query_code not in text and secret_case.query_code not in text and "刘芳芳" not in text
