"""Fuzz every form of the desk: each page that shows a POST form is posted with malformed,
oversized, wrong-type, script-bearing and SQL-bearing values in every visible field. Nothing
may answer 500, a script never comes back unescaped, and nothing but a form error answers the
oversized and null-byte values. Every post runs in a savepoint that is rolled back.

The API is fuzzed from its OpenAPI schema by schemathesis (tests/api)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.matrix import expected
from tests.matrix.doors import args_for, url_names
from tests.matrix.world import PERSONAS, build_world

SCRIPT = '<script>alert("fuzz")</script>'
PAYLOADS = {
    "script": SCRIPT,
    "sql": "' OR '1'='1'; DROP TABLE petitions_petition; --",
    "oversized": "长" * 100_000,
    "null_byte": "a\x00b",
    "wrong_type": "-99999999999999999999",
    "bad_date": "2026-13-45",
    "astral": "𠀀𪚥😀",
    "empty": "",
}


class Forms(HTMLParser):
    """The POST forms of a page: action and fields (hidden ones keep their values)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = {"action": a.get("action") or "", "fields": {}, "hidden": {}, "files": []}
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "select", "textarea") and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind == "hidden":
                self._form["hidden"][a["name"]] = a.get("value") or ""
            elif kind == "file":
                self._form["files"].append(a["name"])
            elif kind not in ("submit", "button"):
                self._form["fields"][a["name"]] = kind

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def first_reader(name: str, scope: str) -> str | None:
    codes = expected.EXPECTED.get(name, {}).get(f"GET {scope}")
    if not codes:
        return None
    for persona, code in zip(PERSONAS, codes.split(), strict=True):
        if code == "200":
            return persona
    return None


@pytest.mark.pdf
@pytest.mark.django_db
def test_every_form_survives_hostile_input(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    client = Client()
    problems, posted = [], 0
    for name, arg_names in sorted(url_names().items()):
        if name.startswith(("api", "open311")):
            continue
        kind, make = args_for(name) if arg_names else ("-", lambda _: {})
        scope = "-" if kind == "-" else "own"
        persona = first_reader(name, scope)
        if persona is None:
            continue
        obj = None if scope == "-" else world.get(kind, scope)
        page_url = reverse(name, kwargs=make(obj))
        user = None if persona == "anonymous" else world.users[persona]
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        response = client.get(page_url)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        parser = Forms()
        parser.feed(response.content.decode())
        for form in parser.forms:
            action = form["action"] or page_url
            if not action.startswith("/") or re.search(r"/(logout|i18n)/", action) or not form["fields"]:
                continue
            for label, payload in PAYLOADS.items():
                data = {**form["hidden"], **dict.fromkeys(form["fields"], payload)}
                for field in form["files"]:
                    data[field] = SimpleUploadedFile("x.png", SCRIPT.encode(), content_type="image/png")
                cache.clear()
                if user is not None:
                    client.force_login(user)
                with transaction.atomic():
                    try:
                        result = client.post(action, data, follow=True)
                        stored = _oversized_rows() if label == "oversized" else []
                    except Exception as error:  # an exception is a 500 in production
                        result, stored = None, []
                        problems.append(f"{name} {action} [{label}] raised {error!r}")
                    posted += 1
                    transaction.set_rollback(True)
                if result is None:
                    continue
                body = result.content.decode(errors="replace") if "html" in result.get("Content-Type", "") else ""
                if result.status_code >= 500:
                    problems.append(f"{name} {action} [{label}] answered {result.status_code}")
                if SCRIPT in body:
                    problems.append(f"{name} {action} [{label}] shows the script unescaped")
                if stored:
                    problems.append(f"{name} {action} [{label}] was stored in {stored}")
    assert posted > 100, f"only {posted} posts: the fuzz found too few forms"
    assert not problems, "\n".join(problems)


def _oversized_rows() -> list[str]:
    """Text columns holding anything near the oversized payload (no form allows 50,000 characters)."""
    from django.apps import apps
    from django.db import models
    from django.db.models.functions import Length

    found = []
    for model in apps.get_models():
        if model._meta.label in ("auditlog.LogEntry", "sessions.Session"):
            continue
        for field in model._meta.concrete_fields:
            text = isinstance(field, models.CharField | models.TextField) and not field.primary_key
            if text and model._default_manager.annotate(n=Length(field.name)).filter(n__gte=50_000).exists():
                found.append(f"{model._meta.label}.{field.name}")
    return found
