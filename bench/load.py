"""The load run of issue 9: 50 concurrent users in a mixed workload against the production-like
server that bench/run.py starts (locust, in bench/.venv):

    bench/.venv/bin/locust -f bench/load.py --headless -u 50 -r 10 -t 2m --host http://127.0.0.1:8107

Desk clerks (4 in 10) look cases up, search by phone, open the case list and register
petitions; grid workers (4 in 10) open their village's list and cases on their phones; leaders
(2 in 10) open the dashboard, the case list and the API. Every petition the load registers has
a title starting with 【压测】L, so bench/run.py can count that each one is in the database.
"""

from __future__ import annotations

import json
import os
import random
import re
import sys
from pathlib import Path

from locust import HttpUser, between, task

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pages import MARK, PASSWORD, Sample, intake_data

SAMPLE = Sample(**json.loads(Path(os.environ.get("BENCH_SAMPLE", "var/bench/sample.json")).read_text()))
NUMBER = re.compile(r'href="/petitions/([A-Z]{2,6}-\d{4}-\d{6})/"')


class Staff(HttpUser):
    abstract = True
    username = ""
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        self.client.get("/accounts/login/", name="login form")
        response = self.client.post(
            "/accounts/login/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": self.client.cookies["csrftoken"]},
            name="login",
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"cannot log in as {self.username}")
        self.numbers: list[str] = []

    def case_list(self, query: str, name: str) -> None:
        with self.client.get(f"/petitions/?{query}", name=name, catch_response=True) as response:
            found = NUMBER.findall(response.text)
            if response.status_code == 200:
                self.numbers = found or self.numbers
                response.success()

    def case(self) -> None:
        if self.numbers:
            self.client.get(f"/petitions/{random.choice(self.numbers)}/", name="case page")  # noqa: S311


class DeskClerk(Staff):
    weight = 4
    username = "clerk"

    @task(3)
    def open_cases(self) -> None:
        self.case_list(f"village={SAMPLE.village}&open=true", "case list (village, open)")

    @task(4)
    def look_at_a_case(self) -> None:
        self.case()

    @task(2)
    def search_phone(self) -> None:
        self.client.get(f"/petitions/?q={random.choice(SAMPLE.phones)}", name="search by phone")  # noqa: S311

    @task(1)
    def search_words(self) -> None:
        self.client.get(f"/petitions/?q={random.choice(SAMPLE.words)}", name="keyword search")  # noqa: S311

    @task(2)
    def register(self) -> None:
        self.client.get("/petitions/new/", name="intake: form")
        data = intake_data(SAMPLE, random.randrange(10**9))  # noqa: S311
        data["title"] = data["title"].replace(MARK, MARK + "L", 1)
        data["csrfmiddlewaretoken"] = self.client.cookies["csrftoken"]
        with self.client.post(
            "/petitions/new/", data, name="intake: submit", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 302 and "/receipt/" in response.headers.get("Location", ""):
                response.success()
            else:
                response.failure(f"not registered: {response.status_code}")


class GridWorker(Staff):
    weight = 4
    username = "grid_a"

    @task(3)
    def my_village(self) -> None:
        self.case_list("open=true", "case list (own village)")

    @task(3)
    def look_at_a_case(self) -> None:
        self.case()

    @task(1)
    def home(self) -> None:
        self.client.get("/", name="home")


class Leader(Staff):
    weight = 2
    username = "leader"

    @task(3)
    def dashboard(self) -> None:
        self.client.get("/dashboard/", name="dashboard")

    @task(2)
    def overdue(self) -> None:
        self.case_list("light=red", "case list (red)")

    @task(2)
    def look_at_a_case(self) -> None:
        self.case()

    @task(1)
    def api(self) -> None:
        self.client.get("/api/v1/petitions/", name="API list")
