"""The audit trail written before this release held query codes and petitioners' names and
addresses in clear, and nothing told an accusation's entries apart. Rewrite those entries as
the trail writes them now (core/audit.py): query codes as keyed fingerprints, names and
addresses masked (old → new kept), and every entry of an accusation, its attachments, its
accuser, supervisions and accountability records tagged for the inspectors only."""

import json

from django.db import migrations

BATCH = 1000
PERSON_FIELDS = ("name", "address", "phone", "id_number")


def _scrub(changes: dict, fields, how) -> bool:
    touched = False
    for field in fields:
        pair = changes.get(field)
        if isinstance(pair, list | tuple) and len(pair) == 2:
            new = [how(value) if value not in (None, "", "None") else value for value in pair]
            if new != list(pair):
                changes[field] = new
                touched = True
    return touched


def forwards(apps, schema_editor):
    from core.audit import ACCUSATION, mask, secret

    LogEntry = apps.get_model("auditlog", "LogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Petition = apps.get_model("petitions", "Petition")
    Link = apps.get_model("petitions", "PetitionPetitioner")
    Attachment = apps.get_model("petitions", "Attachment")
    Supervision = apps.get_model("accountability", "Supervision")
    Record = apps.get_model("accountability", "AccountabilityRecord")

    def type_of(app_label: str, model: str):
        return ContentType.objects.filter(app_label=app_label, model=model).first()

    accused = set(Petition.objects.filter(kind="accusation").values_list("pk", flat=True))
    other_people = set(Link.objects.exclude(petition__kind="accusation").values_list("petitioner_id", flat=True))
    accusers = set(Link.objects.filter(petition__kind="accusation").values_list("petitioner_id", flat=True)) - (
        other_people
    )
    secret_ids = {
        ("petitions", "petition"): accused,
        ("petitions", "petitionpetitioner"): set(
            Link.objects.filter(petition__kind="accusation").values_list("pk", flat=True)
        ),
        ("petitions", "attachment"): set(
            Attachment.objects.filter(petition__kind="accusation").values_list("pk", flat=True)
        ),
        ("petitions", "petitioner"): accusers,
        ("accountability", "supervision"): set(
            Supervision.objects.filter(petition__kind="accusation").values_list("pk", flat=True)
        ),
        ("accountability", "accountabilityrecord"): set(
            Record.objects.filter(petitions__kind="accusation").values_list("pk", flat=True)
        )
        | set(Record.objects.filter(supervision__petition__kind="accusation").values_list("pk", flat=True)),
    }
    scrubbers = {
        ("petitions", "petition"): (("query_code",), secret),
        ("petitions", "petitioner"): (PERSON_FIELDS, mask),
        ("mediation", "party"): (PERSON_FIELDS, mask),
    }
    for key in {*secret_ids, *scrubbers}:
        content_type = type_of(*key)
        if content_type is None:
            continue
        ids = secret_ids.get(key, set())
        fields, how = scrubbers.get(key, ((), None))
        changed = []
        for entry in LogEntry.objects.filter(content_type=content_type).iterator(chunk_size=BATCH):
            touched = False
            if isinstance(entry.changes, dict) and how is not None and _scrub(entry.changes, fields, how):
                if entry.changes_text:
                    entry.changes_text = json.dumps(entry.changes, ensure_ascii=False)
                touched = True
            if entry.object_id in ids and not (entry.additional_data or {}).get("accusation"):
                entry.additional_data = {**(entry.additional_data or {}), **ACCUSATION}
                touched = True
            if touched:
                changed.append(entry)
            if len(changed) >= BATCH:
                LogEntry.objects.bulk_update(changed, ["changes", "changes_text", "additional_data"])
                changed = []
        if changed:
            LogEntry.objects.bulk_update(changed, ["changes", "changes_text", "additional_data"])


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0014_accusations_numbered_apart"),
        ("accountability", "0002_candidate_lists"),
        ("mediation", "0003_anonymised_at"),
        ("auditlog", "0017_add_actor_email"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
