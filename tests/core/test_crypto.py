"""ID card and phone numbers are encrypted at rest, found by exact value, and re-keyable."""

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from core import crypto
from mediation.models import Party
from petitions.models import Petitioner
from tests.petitions.conftest import PHONE, VALID_ID


def raw(table: str, pk: int) -> tuple[str, str, str, str]:
    assert table in ("petitions_petitioner", "mediation_party")
    with connection.cursor() as cursor:
        sql = f"SELECT phone, id_number, phone_hash, id_number_hash FROM {table} WHERE id = %s"  # noqa: S608
        cursor.execute(sql, [pk])
        return cursor.fetchone()


@pytest.fixture
def person(town):
    return Petitioner.objects.create(town=town, name="刘芳", phone=PHONE, id_number=VALID_ID)


def test_the_database_holds_ciphertext_and_the_model_plaintext(person):
    phone, id_number, phone_hash, id_hash = raw("petitions_petitioner", person.pk)
    assert PHONE not in phone and VALID_ID not in id_number
    assert phone.startswith(crypto.TOKEN_PREFIX) and id_number.startswith(crypto.TOKEN_PREFIX)
    assert len(phone_hash) == 64 and len(id_hash) == 64
    again = Petitioner.objects.get(pk=person.pk)
    assert (again.phone, again.id_number) == (PHONE, VALID_ID)
    assert again.masked_phone == "138****1234"


def test_found_by_exact_value_in_any_spelling(person):
    for spelling in (PHONE, "138 1234 1234", "+86 138-1234-1234"):
        assert Petitioner.objects.get(phone_hash=crypto.blind_index("phone", spelling)) == person
    lower_x = VALID_ID[:-1] + VALID_ID[-1].lower()
    assert Petitioner.objects.filter(id_number_hash=crypto.blind_index("id_number", lower_x)).get() == person


def test_searching_the_ciphertext_is_refused(person):
    with pytest.raises(NotImplementedError):
        Petitioner.objects.filter(phone=PHONE).count()


def test_same_number_twice_gives_different_ciphertext_and_the_same_hash(town, person):
    other = Petitioner.objects.create(town=town, name="刘芳芳", phone=PHONE)
    first, second = raw("petitions_petitioner", person.pk), raw("petitions_petitioner", other.pk)
    assert first[0] != second[0] and first[2] == second[2]


def test_bulk_created_rows_get_their_hashes(town):
    Petitioner.objects.bulk_create([Petitioner(town=town, name="甲", phone=PHONE)])
    assert Petitioner.objects.filter(phone_hash=crypto.blind_index("phone", PHONE)).count() == 1


def test_mediation_parties_are_encrypted_too():
    field = Party._meta.get_field("id_number")
    assert isinstance(field, crypto.EncryptedCharField)
    assert isinstance(Party._meta.get_field("phone_hash"), crypto.BlindIndexField)


def test_rotation_to_a_new_key_keeps_every_record_readable(settings, town):
    old = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    person = Petitioner.objects.create(town=town, name="刘芳", phone=PHONE, id_number=VALID_ID)
    under_old = raw("petitions_petitioner", person.pk)
    new = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    settings.FIELD_HASH_KEY = "a-new-hash-key"
    call_command("rotate_personal_data", stdout=io.StringIO())
    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key is gone now
    after = raw("petitions_petitioner", person.pk)
    assert after[0] != under_old[0] and after[2] != under_old[2]
    assert Petitioner.objects.get(pk=person.pk).phone == PHONE
    assert Petitioner.objects.get(phone_hash=crypto.blind_index("phone", PHONE)) == person


def test_a_missing_key_fails_loudly(settings, person):
    from django.core.exceptions import ImproperlyConfigured

    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"):
        Petitioner.objects.get(pk=person.pk)


def test_plaintext_from_before_encryption_is_read_and_encrypted_on_save(person):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE petitions_petitioner SET phone = %s WHERE id = %s", [PHONE, person.pk])
    row = Petitioner.objects.get(pk=person.pk)
    assert row.phone == PHONE
    row.save()
    assert raw("petitions_petitioner", person.pk)[0].startswith(crypto.TOKEN_PREFIX)


def test_deploy_check_warns_without_explicit_keys(settings):
    from core.checks import personal_data_keys

    settings.FIELD_ENCRYPTION_KEYS, settings.FIELD_HASH_KEY = [], ""
    assert [w.id for w in personal_data_keys(None)] == ["core.W001"]
    settings.FIELD_ENCRYPTION_KEYS, settings.FIELD_HASH_KEY = [Fernet.generate_key().decode()], "k"
    assert personal_data_keys(None) == []
