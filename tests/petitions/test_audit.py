"""The audit trail: who changed what, old → new, masked personal data, not editable."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from petitions.models import Petition, Petitioner
from petitions.states import Action
from tests.petitions.conftest import PHONE


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
