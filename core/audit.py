"""The audit trail: every change to petitions, mediation and accountability records (who,
when, old → new) through django-auditlog, readable in the admin and never editable there.

Timeline, case-history and event rows are append-only records of their own and are not
repeated here. The trail never holds personal data in clear: names, addresses, ID card and
phone numbers appear masked (张*, 138****1234), their search hashes not at all, and a query
code only as a keyed fingerprint (old → new, so a change still shows). Entries of an accusation
carry ``additional_data["accusation"]`` and are shown to discipline inspectors only (Art. 30)."""

from __future__ import annotations

from django.apps import apps

from core import crypto
from core.identity import ID_NUMBER_SHAPE, mask_id_number, mask_name, mask_phone

PERSONAL = {
    "mask_fields": ["name", "phone", "id_number", "address"],
    "exclude_fields": ["phone_hash", "id_number_hash"],
}
QUERY_CODE_MASK = "core.audit.secret"  # the mask_callable for query codes

AUDITED: dict[str, dict] = {
    "petitions.Petition": {
        "exclude_fields": ["updated_at", "version"],
        "mask_fields": ["query_code"],
        "mask_callable": QUERY_CODE_MASK,
    },
    "petitions.Petitioner": PERSONAL,
    "petitions.PetitionPetitioner": {},
    "petitions.Attachment": {},
    "petitions.HandlingUnit": {"m2m_fields": {"members"}},
    "petitions.Category": {},
    "petitions.TimeLimit": {},
    "petitions.ResponsibilityRule": {},
    "mediation.MediationRoom": {},
    "mediation.RoomMember": {"mask_fields": ["phone"]},
    "mediation.MediationCase": {},
    "mediation.Party": PERSONAL,
    "mediation.MediationSession": {},
    "mediation.Agreement": {},
    "mediation.AgreementTerm": {},
    "accountability.Meeting": {"m2m_fields": {"attendees"}},
    "accountability.AgendaItem": {},
    "accountability.Decision": {},
    "accountability.Supervision": {},
    "accountability.AccountabilityRecord": {"m2m_fields": {"petitions"}},
    "core.User": {"exclude_fields": ["password", "last_login"], "mask_fields": ["phone"]},
    "core.CalendarDay": {},
}


ACCUSATION = {"accusation": True}


def _text(value) -> str:
    text = str(value or "").strip()
    return "" if text == "None" else text  # auditlog hands over str(None) for an empty field


def mask(value) -> str:
    """How a masked field appears in the trail, by the shape of the value: an ID card number
    keeps its first 6 and last 4, a name or address in Chinese its first character (or compound
    surname), anything else (a phone) at most its last 4 characters."""
    text = _text(value)
    if not text:
        return ""
    if ID_NUMBER_SHAPE.fullmatch(text):
        return mask_id_number(text)
    if not text[0].isascii():
        return mask_name(text)
    return mask_phone(text)


def secret(value) -> str:
    """A query code in the trail: its keyed fingerprint, never the code."""
    text = _text(value)
    return f"#{crypto.fingerprint('audit', text)}" if text else ""


def accusation_data(is_accusation: bool) -> dict | None:
    """The ``additional_data`` of an audit entry (auditlog calls ``get_additional_data``)."""
    return ACCUSATION if is_accusation else None


def register_models() -> None:
    from auditlog.registry import auditlog

    for label, options in AUDITED.items():
        model = apps.get_model(label)
        m2m = {name for name in options.get("m2m_fields", set()) if _has_field(model, name)}
        kwargs = {k: v for k, v in options.items() if k != "m2m_fields"}
        if not auditlog.contains(model):
            auditlog.register(model, m2m_fields=m2m, **kwargs)


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except Exception:
        return False
    return True
