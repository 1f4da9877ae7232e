"""The admin edits the roster and the scheme through the services: the models' rules hold
and every change is in the log."""

from datetime import date

from django.urls import reverse

from duty.models import AssessmentScheme, DutyLog, LeaderOnDuty, StaffCard


def test_the_admin_pages_open(login, administrator, town):
    client = login(administrator)
    for model in ("assessmentscheme", "leaderonduty", "receptionday", "staffcard", "dutylog"):
        assert client.get(reverse(f"admin:duty_{model}_changelist")).status_code == 200
    for model in ("assessmentscheme", "leaderonduty", "receptionday", "staffcard"):
        assert client.get(reverse(f"admin:duty_{model}_add")).status_code == 200


def test_a_leader_on_duty_added_in_the_admin_is_checked_and_logged(login, administrator, town, leader, desk_clerk):
    client = login(administrator)
    url = reverse("admin:duty_leaderonduty_add")
    refused = client.post(url, {"town": town.pk, "day": "2026-11-27", "leader": desk_clerk.pk, "note": ""})
    assert refused.status_code == 200 and not LeaderOnDuty.objects.exists()
    response = client.post(url, {"town": town.pk, "day": "2026-11-27", "leader": leader.pk, "note": ""})
    assert response.status_code == 302
    assert LeaderOnDuty.objects.get().day == date(2026, 11, 27)
    assert DutyLog.objects.get().actor == administrator
    twice = client.post(url, {"town": town.pk, "day": "2026-11-27", "leader": leader.pk, "note": ""})
    assert twice.status_code == 200 and LeaderOnDuty.objects.count() == 1
    duty = LeaderOnDuty.objects.get()
    client.post(reverse("admin:duty_leaderonduty_delete", args=[duty.pk]), {"post": "yes"})
    assert not LeaderOnDuty.objects.exists()
    assert DutyLog.objects.filter(action=DutyLog.Action.DUTY_REMOVE).exists()


def test_the_scheme_changed_in_the_admin_is_logged(login, administrator, town):
    client = login(administrator)
    data = {name: str(getattr(AssessmentScheme(), name)) for name in AssessmentScheme.EDITABLE}
    data.update(town=town.pk, weight_on_time="40", black_on_skip_level="on")
    response = client.post(reverse("admin:duty_assessmentscheme_add"), data)
    assert response.status_code == 302
    assert AssessmentScheme.objects.get().weight_on_time == 40
    log = DutyLog.objects.get()
    assert (log.action, log.after["weight_on_time"]) == (DutyLog.Action.SCHEME_CHANGE, "40")


def test_a_card_added_in_the_admin_is_logged(login, administrator, town):
    client = login(administrator)
    data = {
        "town": town.pk,
        "name": "王丽",
        "post": "窗口",
        "identity": "party_member",
        "duty": "接待",
        "commitment": "热情",
        "sort": "1",
        "active": "on",
    }
    assert client.post(reverse("admin:duty_staffcard_add"), data).status_code == 302
    assert StaffCard.objects.get().name == "王丽"
    assert DutyLog.objects.get().action == DutyLog.Action.CARD_ADD
