from celery import shared_task

from core import services
from core.selectors import HEARTBEAT


@shared_task(name="core.tasks.record_heartbeat", ignore_result=True)
def record_heartbeat() -> None:
    services.heartbeat_record(name=HEARTBEAT)
