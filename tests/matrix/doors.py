"""Every door of the desk: each URL name of the URL configuration, and how to fill in its
arguments for an object in each scope. A URL that takes arguments and is missing here fails
the matrix test; one that takes none needs no line."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.urls import URLPattern, URLResolver, get_resolver

# Namespaces and names left out, with the reason.
SKIPPED = {
    "admin": "Django's admin: is_staff only, tested in tests/core/test_navigation.py",
}

PETITION_ACTIONS = re.compile(
    r"^api:petition-(accept|answer-re-review|answer-review|assign|escalate|extend|"
    r"follow-up|link-repeat|note|notify|object|reject|reply|request-re-review|"
    r"request-review|set-responsible|transfer|attachments|petitioners|timeline|detail)$"
)

Args = tuple[str, Callable[[object], dict]]


def _number(p) -> dict:
    return {"number": p.tracking_number}


ARGS: dict[str, Args] = {
    "core:notification_read": ("notification", lambda n: {"pk": n.pk}),
    "petitions:detail": ("petition", _number),
    "petitions:receipt": ("petition", _number),
    "petitions:act": ("petition", lambda p: {"number": p.tracking_number, "action": "note"}),
    "petitions:reveal": (
        "petitioner",
        lambda link: {"number": link.petition.tracking_number, "petitioner_id": link.petitioner_id},
    ),
    "petitions:attachment": ("attachment", lambda a: {"number": a.petition.tracking_number, "attachment_id": a.pk}),
    "patrols:risk": ("risk", lambda r: {"pk": r.pk}),
    "patrols:risk_act": ("risk", lambda r: {"pk": r.pk, "step": "resolve"}),
    "mediation:room": ("room", lambda r: {"pk": r.pk}),
    "mediation:case": ("mediation_case", lambda c: {"number": c.tracking_number}),
    "mediation:act": ("mediation_case", lambda c: {"number": c.tracking_number, "action": "note"}),
    "mediation:agreement_pdf": ("agreement_case", lambda c: {"number": c.tracking_number}),
    "mediation:agreement_pdf_full": ("agreement_case", lambda c: {"number": c.tracking_number}),
    "accountability:decision_report": ("decision", lambda d: {"pk": d.pk}),
    "accountability:responsibility": ("petition", _number),
    "accountability:supervision": ("supervision", lambda s: {"pk": s.pk}),
    "accountability:supervision_reply": ("supervision", lambda s: {"pk": s.pk}),
    "accountability:supervision_close": ("supervision", lambda s: {"pk": s.pk}),
    "reports:detail": ("report", lambda r: {"pk": r.pk}),
    "reports:pdf": ("report", lambda r: {"pk": r.pk}),
    "reports:xlsx": ("report", lambda r: {"pk": r.pk}),
    "duty:assessment_village": ("village", lambda v: {"code": v.code}),
    "duty:duty_edit": ("duty", lambda d: {"pk": d.pk}),
    "duty:duty_remove": ("duty", lambda d: {"pk": d.pk}),
    "duty:reception_edit": ("reception", lambda r: {"pk": r.pk}),
    "duty:reception_remove": ("reception", lambda r: {"pk": r.pk}),
    "duty:card_edit": ("card", lambda c: {"pk": c.pk}),
    "duty:card_remove": ("card", lambda c: {"pk": c.pk}),
    "duty:card_photo": ("card", lambda c: {"pk": c.pk}),
    "open311:discovery": ("-", lambda _: {"fmt": "json"}),
    "open311:services": ("-", lambda _: {"fmt": "json"}),
    "open311:service": ("category", lambda c: {"service_code": c.code, "fmt": "json"}),
    "open311:requests": ("-", lambda _: {"fmt": "json"}),
    "open311:request": ("petition", lambda p: {"service_request_id": p.tracking_number, "fmt": "json"}),
    "open311:token": ("-", lambda _: {"token": "0f8fad5b-d9cb-469f-a165-70867728950e", "fmt": "json"}),
    "api:petition-act": ("petition", lambda p: {"tracking_number": p.tracking_number, "action_name": "note"}),
    "api:petition-reveal": (
        "petitioner",
        lambda link: {"tracking_number": link.petition.tracking_number, "petitioner_id": link.petitioner_id},
    ),
    "api:assignment-detail": ("assignment", lambda p: {"upstream_reference": p.upstream_reference}),
    "api:petitioner-detail": ("petitioner", lambda link: {"pk": link.petitioner_id}),
    "api:category-detail": ("category", lambda c: {"code": c.code}),
    "api:unit-detail": ("unit", lambda u: {"pk": u.pk}),
    "api:village-detail": ("village", lambda v: {"code": v.code}),
    "api:grid-detail": ("grid", lambda g: {"pk": g.pk}),
    "api:mediation-room-detail": ("room", lambda r: {"pk": r.pk}),
    "api:mediation-case-detail": ("mediation_case", lambda c: {"tracking_number": c.tracking_number}),
    "api:mediation-case-act": (
        "mediation_case",
        lambda c: {"tracking_number": c.tracking_number, "action_name": "note"},
    ),
    "api:patrol-detail": ("patrol", lambda p: {"pk": p.pk}),
    "api:risk-detail": ("risk", lambda r: {"pk": r.pk}),
    "api:risk-act": ("risk", lambda r: {"pk": r.pk, "step": "resolve"}),
    "api:meeting-detail": ("meeting", lambda m: {"pk": m.pk}),
    "api:decision-detail": ("decision", lambda d: {"pk": d.pk}),
    "api:supervision-detail": ("supervision", lambda s: {"pk": s.pk}),
    "api:supervision-reply": ("supervision", lambda s: {"pk": s.pk}),
    "api:accountability-record-detail": ("record", lambda r: {"pk": r.pk}),
    "api:report-detail": ("report", lambda r: {"pk": r.pk}),
    "api:notification-detail": ("notification", lambda n: {"pk": n.pk}),
    "api:notification-read": ("notification", lambda n: {"pk": n.pk}),
}
for _name in ("meeting", "agenda_proposals", "agenda_add", "meeting_hold", "meeting_close", "minutes_pdf"):
    ARGS[f"accountability:{_name}"] = ("meeting", lambda m: {"pk": m.pk})
for _name in ("agenda_remove", "agenda_move", "item", "item_decide", "item_send_on"):
    ARGS[f"accountability:{_name}"] = ("item", lambda i: {"pk": i.meeting_id, "item_id": i.pk})


def url_names() -> dict[str, list[str]]:
    """Every named URL (format-suffix twins and skipped namespaces left out) → its argument names."""
    found: dict[str, list[str]] = {}

    def walk(patterns, namespace=None, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = ":".join(filter(None, [namespace, p.namespace])) if p.namespace else namespace
                yield from walk(p.url_patterns, ns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and p.name:
                full = prefix + str(p.pattern)
                if "P<format>" in full:
                    continue
                yield (f"{namespace}:{p.name}" if namespace else p.name), full

    for name, pattern in walk(get_resolver().url_patterns):
        if name.split(":")[0] in SKIPPED or name in SKIPPED or name in found:
            continue
        args = re.findall(r"P<(\w+)>", pattern) + re.findall(r"<(?:\w+:)?(\w+)>", pattern)
        found[name] = args
    return found


def args_for(name: str) -> Args | None:
    if name in ARGS:
        return ARGS[name]
    if PETITION_ACTIONS.match(name):
        return ("petition", lambda p: {"tracking_number": p.tracking_number})
    return None
