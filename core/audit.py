"""The audit trail: every change to petitions, mediation and accountability records (who,
when, old → new) through django-auditlog, readable in the admin and never editable there.

Timeline, case-history and event rows are append-only records of their own and are not
repeated here. ID card and phone numbers appear masked; their search hashes not at all."""

from __future__ import annotations

from django.apps import apps

from core.identity import mask_phone

PERSONAL = {"mask_fields": ["phone", "id_number"], "exclude_fields": ["phone_hash", "id_number_hash"]}

AUDITED: dict[str, dict] = {
    "petitions.Petition": {"exclude_fields": ["updated_at", "version"]},
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


def mask(value) -> str:
    """How a masked field appears in the trail: the phone mask (which keeps at most the last 4)."""
    return mask_phone(str(value or ""))


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
