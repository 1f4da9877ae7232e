"""Redis goes down for real: the desk keeps registering petitions and residents still get their
query code; the alerts written meanwhile wait in the database and are delivered through Redis
by a worker once it is back."""

import os
import shutil
import socket
import subprocess
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from config.celery import app
from core import sms
from core.models import Delivery, Notification
from core.tasks import deliver_pending_notifications
from patrols.models import Risk
from patrols.services import risk_report
from petitions.models import Petition
from tests.petitions.test_pages import intake_data

REDIS = shutil.which("redis-server")
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        REDIS is None and os.environ.get("REQUIRE_SYSTEM_PACKAGES") != "true", reason="needs redis-server"
    ),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """A real Redis of the test's own, to stop and start at will."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


@pytest.fixture
def redis_broker():
    server = RedisServer()
    server.start()
    saved = (app.conf.broker_url, app.conf.broker_transport, app.conf.broker_transport_options)

    def reset_pools():
        app.amqp._producer_pool = None
        app._pool = None

    app.conf.broker_url = f"redis://127.0.0.1:{server.port}/0"
    app.conf.broker_transport = None
    app.conf.broker_transport_options = {"socket_connect_timeout": 2}
    reset_pools()
    yield server
    if server.process.poll() is None:
        server.stop()
    app.conf.broker_url, app.conf.broker_transport, app.conf.broker_transport_options = saved
    reset_pools()


def test_the_desk_works_through_a_redis_outage_and_alerts_catch_up(
    redis_broker, reference_data, client, desk_clerk, leader, grid_worker_a, grid_a, village_a
):
    sms.outbox.clear()
    leader.email, leader.phone = "chen@example.cn", "13812345678"
    leader.save()
    redis_broker.stop()  # Redis is down

    # A clerk registers a petition: saved, and the receipt carries the query code.
    from petitions.models import Category

    category = Category.objects.get(code="neighbours-boundary")
    client.force_login(desk_clerk)
    started = time.monotonic()
    response = client.post(reverse("petitions:intake"), intake_data(category, village_a, grid_a), follow=True)
    assert response.status_code == 200
    petition = Petition.objects.get()
    assert petition.query_code in response.content.decode()

    # A grid worker reports a high risk: the alert is in the inbox at once, e-mail/SMS wait.
    risk_report(
        reporter=grid_worker_a,
        grid=grid_a,
        found_on=timezone.localdate(),
        kind=Risk.Kind.values[0],
        level=Risk.Level.HIGH,
        place="村口",
        parties="张某、李某",
        description="宅基地纠纷，双方情绪激动",
    )
    assert time.monotonic() - started < 20, "a dead broker must not hold up the desk"
    alert = Notification.objects.get(recipient=leader)
    assert (alert.email_state, alert.sms_state) == (Delivery.PENDING, Delivery.PENDING)
    assert mail.outbox == []

    # Redis is back: the periodic delivery job goes through it to a worker and sends them.
    redis_broker.start()
    queue = f"outage-{time.monotonic_ns()}"
    with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=10):
        deliver_pending_notifications.apply_async(queue=queue)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and Notification.objects.filter(email_state=Delivery.PENDING).exists():
            time.sleep(0.2)
    alert.refresh_from_db()
    assert (alert.email_state, alert.sms_state) == (Delivery.SENT, Delivery.SENT)
    assert "chen@example.cn" in [m.to[0] for m in mail.outbox]
    assert any(m.phone == "13812345678" for m in sms.outbox)
