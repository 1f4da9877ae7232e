from celery import shared_task
from django.db import OperationalError

from core import notifications, services
from core.selectors import HEARTBEAT


@shared_task(name="core.tasks.record_heartbeat", ignore_result=True)
def record_heartbeat() -> None:
    services.heartbeat_record(name=HEARTBEAT)


@shared_task(
    name="core.tasks.deliver_notifications",
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=120,
    time_limit=150,
)
def deliver_notifications(ids: list[int]) -> dict:
    """E-mail and SMS for notifications just committed (by id; a re-delivery sends nothing twice)."""
    return notifications.notifications_deliver(ids=ids)


@shared_task(
    name="core.tasks.deliver_pending_notifications",
    ignore_result=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=240,
    time_limit=300,
)
def deliver_pending_notifications() -> dict:
    """Every few minutes: whatever is still pending (the broker was down, a send failed)."""
    return notifications.notifications_deliver()
