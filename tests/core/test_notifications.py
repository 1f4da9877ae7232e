"""Notifications: inbox first, e-mail and SMS after the commit, per-user preferences, and
nothing lost while the broker is down."""

import time

import pytest
from django.core import mail
from django.urls import reverse

from config.celery import app
from core import notifications as n
from core import sms
from core.models import Delivery, Notification, NotificationKind, NotificationPreference
from core.tasks import deliver_notifications, deliver_pending_notifications


@pytest.fixture(autouse=True)
def empty_sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def reachable(leader, handler):
    leader.email, leader.phone = "chen@example.cn", "13812345678"
    leader.save()
    handler.email = "qian@example.cn"
    handler.save()
    return leader, handler


@pytest.fixture
def run_tasks_in_process(monkeypatch):
    """The worker's side, run here: the real task body, called when the commit hands it over."""
    monkeypatch.setattr(deliver_notifications, "delay", lambda ids: deliver_notifications.apply(args=(ids,)))


@pytest.fixture
def broker_down():
    """Point the Celery app at a Redis port where nothing listens."""

    def reset_pools():
        app.amqp._producer_pool = None
        app._pool = None

    saved = (app.conf.broker_url, app.conf.broker_transport)
    app.conf.broker_url, app.conf.broker_transport = "redis://127.0.0.1:9/0", None
    reset_pools()
    yield
    app.conf.broker_url, app.conf.broker_transport = saved
    reset_pools()


def send(recipients, kind=NotificationKind.DEADLINE):
    return n.notifications_send(
        recipients=recipients,
        title="DHK-2026-000001 已超期",
        body="请尽快办理。",
        url="/petitions/DHK-2026-000001/",
        kind=kind,
    )


def test_the_inbox_row_is_written_at_once_and_e_mail_and_sms_wait_for_the_commit(
    reachable, run_tasks_in_process, django_capture_on_commit_callbacks
):
    leader, handler = reachable
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert send([leader, handler, leader]) == 2  # listed twice, told once
        assert Notification.objects.count() == 2
        assert mail.outbox == [] and sms.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert sorted(m.to[0] for m in mail.outbox) == ["chen@example.cn", "qian@example.cn"]
    assert "DHK-2026-000001 已超期" in mail.outbox[0].subject
    assert "http://127.0.0.1:8000/petitions/DHK-2026-000001/" in mail.outbox[0].body
    # SMS by default only for deadlines, risks and supervision, and only with a phone number.
    assert [(m.phone, m.text.startswith("[")) for m in sms.outbox] == [("13812345678", True)]
    states = dict(Notification.objects.values_list("recipient__username", "email_state"))
    assert states == {"leader": Delivery.SENT, "handler": Delivery.SENT}


def test_a_rolled_back_change_sends_nothing(reachable, run_tasks_in_process, django_capture_on_commit_callbacks):
    from django.db import transaction

    leader, _ = reachable
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        send([leader])
        raise RuntimeError("the change failed")
    assert Notification.objects.count() == 0 and mail.outbox == [] and sms.outbox == []


def test_preferences_choose_the_channels(reachable, run_tasks_in_process, django_capture_on_commit_callbacks):
    leader, handler = reachable
    n.notification_preferences_set(user=leader, choices={NotificationKind.DEADLINE: (False, False)})
    n.notification_preferences_set(user=handler, choices={NotificationKind.REPORT: (True, True)})
    with django_capture_on_commit_callbacks(execute=True):
        send([leader, handler])
        send([handler], kind=NotificationKind.REPORT)
    assert [m.to for m in mail.outbox] == [["qian@example.cn"], ["qian@example.cn"]]
    assert sms.outbox == []  # the handler asked for SMS on reports but has no phone number
    assert Notification.objects.filter(recipient=leader, email_state="", sms_state="").count() == 1


def test_a_redelivered_task_sends_nothing_twice(reachable, django_capture_on_commit_callbacks, monkeypatch):
    leader, _ = reachable
    handed = []
    monkeypatch.setattr(deliver_notifications, "delay", handed.append)
    with django_capture_on_commit_callbacks(execute=True):
        send([leader])
    deliver_notifications.apply(args=(handed[0],))
    deliver_notifications.apply(args=(handed[0],))
    deliver_pending_notifications.apply()
    assert len(mail.outbox) == 1 and len(sms.outbox) == 1


def test_a_failing_mail_server_is_retried_then_marked_failed(reachable, settings, django_capture_on_commit_callbacks):
    leader, _ = reachable
    settings.EMAIL_BACKEND = "tests.core.test_notifications.BrokenBackend"
    with django_capture_on_commit_callbacks(execute=False):
        send([leader])
    for attempt in range(1, n.MAX_ATTEMPTS + 1):
        n.notifications_deliver()
        note = Notification.objects.get()
        assert note.delivery_attempts == attempt
    assert note.email_state == Delivery.FAILED and note.sms_state == Delivery.SENT
    assert "mail server down" in note.delivery_error
    n.notifications_deliver()
    assert Notification.objects.get().delivery_attempts == n.MAX_ATTEMPTS  # left alone


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_a_claim_held_by_another_worker_is_skipped(reachable, django_capture_on_commit_callbacks):
    from django.utils import timezone

    leader, _ = reachable
    with django_capture_on_commit_callbacks(execute=False):
        send([leader])
    Notification.objects.update(delivery_claimed_at=timezone.now())
    assert n.notifications_deliver() == {"sent": 0, "failed": 0, "skipped": 1}
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_the_change_commits_and_delivery_catches_up(town, broker_down):
    from tests.factories import UserFactory

    leader = UserFactory(role="leader", town=town, email="chen@example.cn", phone="13812345678")
    started = time.monotonic()
    send([leader])  # autocommit: the hand-over runs now, against the dead broker
    assert time.monotonic() - started < 10, "a dead broker must not hold up the request"
    note = Notification.objects.get()
    assert (note.email_state, note.sms_state) == (Delivery.PENDING, Delivery.PENDING)
    assert mail.outbox == []
    # The broker and worker are back: the periodic sweep delivers what waited.
    deliver_pending_notifications.apply()
    assert [m.to for m in mail.outbox] == [["chen@example.cn"]] and len(sms.outbox) == 1
    assert Notification.objects.get().email_state == Delivery.SENT


def test_inbox_lists_own_notifications_only_and_marks_all_read(login, leader, handler, django_assert_num_queries):
    send([leader])
    send([handler])
    client = login(leader)
    with django_assert_num_queries(4):  # user, count, page count, page (the session is cached)
        html = client.get(reverse("core:notifications")).content.decode()
    assert html.count('data-kind="deadline"') == 1
    for _ in range(5):
        send([leader], kind=NotificationKind.REPORT)
    with django_assert_num_queries(4):
        client.get(reverse("core:notifications"))
    response = client.post(reverse("core:notification_read_all"))
    assert response.status_code == 302
    assert leader.notifications.filter(read_at__isnull=True).count() == 0
    assert handler.notifications.filter(read_at__isnull=True).count() == 1


def test_settings_page_saves_choices(login, leader):
    client = login(leader)
    page = client.get(reverse("core:notification_settings")).content.decode()
    assert 'name="email_deadline"' in page and 'name="sms_deadline"' in page
    data = {f"email_{k}": "on" for k in NotificationKind.values}
    data["sms_risk"] = "on"
    assert client.post(reverse("core:notification_settings"), data).status_code == 302
    prefs = {p.kind: (p.email, p.sms) for p in NotificationPreference.objects.filter(user=leader)}
    assert prefs[NotificationKind.RISK] == (True, True)
    assert prefs[NotificationKind.DEADLINE] == (True, False)
    assert n.preferences_of(leader)[NotificationKind.SUPERVISION] == (True, False)


def test_unknown_kind_is_refused_and_changes_nothing(leader):
    with pytest.raises(ValueError):
        n.notification_preferences_set(user=leader, choices={"deadline": (True, True), "gossip": (True, True)})
    assert not NotificationPreference.objects.exists()


def test_pages_need_a_login(client):
    assert client.get(reverse("core:notifications")).status_code == 302
    assert client.get(reverse("core:notification_settings")).status_code == 302
