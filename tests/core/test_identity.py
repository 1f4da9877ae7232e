"""Petitioners' phone and ID card numbers: validated, normalised and masked (pure functions, no database)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.functional import Promise

from core import identity
from core.identity import (
    id_birth_date,
    id_gender,
    mask_id_number,
    mask_name,
    mask_phone,
    normalize_id_number,
    normalize_phone,
    validate_id_number,
    validate_phone,
)

TODAY = datetime.date(2026, 5, 1)
VALID_PROVINCES = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46]
VALID_PROVINCES += [50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91]


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    """Every test runs on 1 May 2026 in the desk's time zone."""
    monkeypatch.setattr(identity, "_today", lambda: TODAY)


def with_check(first_17: str) -> str:
    """Append the check character, computed without the module's tables: the weight of digit i
    is 2^(17-i) mod 11, and the whole number including the check value must sum to 1 mod 11."""
    total = sum(int(digit) * pow(2, 17 - position, 11) for position, digit in enumerate(first_17))
    check = (1 - total) % 11
    return first_17 + ("X" if check == 10 else str(check))


def id_number(*, region: str = "341502", born: str = "19900101", serial: str = "123") -> str:
    return with_check(region + born + serial)


def error_of(validator, value: str) -> ValidationError:
    with pytest.raises(ValidationError) as error:
        validator(value)
    return error.value


# ID card numbers ---------------------------------------------------------------------------------


def test_the_test_checksum_agrees_with_the_published_sample():
    assert with_check("11010519491231002") == "11010519491231002X"


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",
        id_number(),
        id_number(region="440304", born="20000229", serial="002"),  # leap day
        id_number(region="650102", born="19000101", serial="001"),  # earliest accepted birth date
        id_number(region="810000", born="19851112", serial="003"),
        id_number(born="20260501", serial="004"),  # born today
    ],
)
def test_valid_id_numbers_are_accepted(number):
    validate_id_number(number)


def test_the_generated_numbers_cover_both_kinds_of_check_character():
    checks = {id_number(serial=f"{serial:03d}")[-1] for serial in range(30)}
    assert "X" in checks
    assert checks - {"X"}


def test_only_the_right_check_character_is_accepted():
    number = id_number()
    for check in "0123456789X":
        candidate = number[:17] + check
        if check == number[17]:
            validate_id_number(candidate)
        else:
            assert error_of(validate_id_number, candidate).code == "invalid_id_checksum"


def test_a_typo_in_the_body_is_caught_by_the_check_character():
    number = id_number()
    typo = number[:15] + str((int(number[15]) + 1) % 10) + number[16:]
    assert error_of(validate_id_number, typo).code == "invalid_id_checksum"


def test_two_swapped_digits_are_caught_by_the_check_character():
    number = id_number(serial="123")
    swapped = number[:14] + "213" + number[17]
    assert error_of(validate_id_number, swapped).code == "invalid_id_checksum"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "1101051949123100",  # 16
        "11010519491231002",  # 17
        "11010519491231002X1",  # 19
        "1101051949123100X2",  # X not at the end
        "11010519491231002A",
        "110105I9491231002X",
        "11010519491231002 X-",
        "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X",  # Arabic-Indic digits
    ],
)
def test_wrong_length_or_characters_are_refused(value):
    assert error_of(validate_id_number, value).code == "invalid_id_length"


def test_old_15_digit_numbers_are_refused_with_their_own_message():
    error = error_of(validate_id_number, "110105491231002")
    assert error.code == "invalid_id_length"
    with translation.override("en"):
        assert "15-digit" in str(error.message)
        assert str(error.message) != str(error_of(validate_id_number, "11010519491231002").message)


@pytest.mark.parametrize(
    "born",
    [
        "19990230",  # 30 February
        "20230229",  # not a leap year
        "19001301",  # month 13
        "19990100",  # day 0
        "19990001",  # month 0
        "00000000",
        "18991231",  # before 1900
        "20260502",  # tomorrow
        "20990101",  # far future
    ],
)
def test_impossible_birth_dates_are_refused(born):
    assert error_of(validate_id_number, id_number(born=born)).code == "invalid_id_birth_date"


@pytest.mark.parametrize("province", VALID_PROVINCES)
def test_every_province_code_is_accepted(province):
    validate_id_number(id_number(region=f"{province}0102"))


@pytest.mark.parametrize("province", sorted(set(range(100)) - set(VALID_PROVINCES)))
def test_other_province_codes_are_refused(province):
    assert error_of(validate_id_number, id_number(region=f"{province:02d}0102")).code == "invalid_id_region"


def test_lower_case_x_and_spaces_are_normalised():
    assert normalize_id_number(" 110105 19491231 002x ") == "11010519491231002X"
    validate_id_number("11010519491231002x")


def test_only_the_final_x_is_upper_cased():
    assert normalize_id_number("x1234x") == "x1234X"


def test_full_width_digits_are_normalised():
    assert normalize_id_number("１１０１０５１９４９１２３１００２ｘ") == "11010519491231002X"


def test_birth_date_and_gender_are_read_from_the_number():
    assert id_birth_date("11010519491231002x") == datetime.date(1949, 12, 31)
    assert id_gender("11010519491231002X") == "female"  # 17th digit 2
    assert id_gender(id_number(serial="013")) == "male"
    assert id_gender(id_number(serial="010")) == "female"  # 0 is even


def test_birth_date_and_gender_refuse_an_invalid_number():
    with pytest.raises(ValidationError):
        id_birth_date("11010519491231002")
    with pytest.raises(ValidationError):
        id_gender("110105194912310021")


# Phone numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "13812341234",
        " 13812341234 ",
        "138 1234 1234",
        "138-1234-1234",
        "+86 138-1234-1234",
        "+8613812341234",
        "+86-13812341234",
        "86 13812341234",
        "8613812341234",
        "0086 138 1234 1234",
        "008613812341234",
        "１３８１２３４１２３４",  # full-width digits from a Chinese input method
    ],
)
def test_mobile_spellings_are_accepted_and_normalised(value):
    validate_phone(value)
    assert normalize_phone(value) == "13812341234"


@pytest.mark.parametrize("second", "3456789")
def test_mobiles_with_second_digit_3_to_9_are_accepted(second):
    validate_phone(f"1{second}012345678")


@pytest.mark.parametrize(
    "value",
    [
        "",
        "12812341234",  # second digit 2
        "11812341234",
        "10812341234",
        "1381234123",  # 10 digits
        "138123412345",  # 12 digits
        "138abcd1234",
        "1381234123a",
        "23812341234",
        "+87 13812341234",
        "+86 12812341234",
        "+86 1381234123",
        "١٣٨١٢٣٤١٢٣٤",  # Arabic-Indic digits
    ],
)
def test_invalid_mobiles_are_refused(value):
    assert error_of(validate_phone, value).code == "invalid_phone"


@pytest.mark.parametrize(
    ("value", "canonical"),
    [
        ("0551-62620110", "0551-62620110"),
        ("055162620110", "0551-62620110"),
        ("(0551)62620110", "0551-62620110"),
        ("(0551)-62620110", "0551-62620110"),
        ("(0551) 6262 0110", "0551-62620110"),
        ("0551 62620110", "0551-62620110"),
        ("0551-6262-0110", "0551-62620110"),
        ("（0551）62620110", "0551-62620110"),  # full-width brackets
        ("0551-6262011", "0551-6262011"),  # 7-digit local number
        ("05516262011", "0551-6262011"),
        ("010-62345678", "010-62345678"),
        ("01062345678", "010-62345678"),
        ("(010)62345678", "010-62345678"),
        ("02087654321", "020-87654321"),
        ("02187654321", "021-87654321"),  # 02X is 3 digits, not 0218
        ("029 8765 4321", "029-87654321"),
        ("0216234567", "021-6234567"),
        ("075587654321", "0755-87654321"),  # others are 4 digits, not 075
    ],
)
def test_landline_spellings_are_accepted_and_normalised(value, canonical):
    validate_phone(value)
    assert normalize_phone(value) == canonical


@pytest.mark.parametrize(
    "value",
    [
        "0551-626201",  # 6-digit local number
        "0551-626201100",  # 9-digit local number
        "551-62620110",  # area code without 0
        "055-16262011",  # 055 is not a 3-digit area code
        "0105-6234567",  # 010 is 3 digits
        "0205-6234567",  # 02X is 3 digits
        "0551-02620110",  # local numbers do not start with 0 or 1
        "010-12345678",
        "62620110",  # no area code
        "0551-62620110-123",  # extensions are not taken
        "05516262",
        "(0551(62620110",
    ],
)
def test_invalid_landlines_are_refused(value):
    assert error_of(validate_phone, value).code == "invalid_phone"


def test_an_unrecognised_phone_is_only_stripped():
    assert normalize_phone(" 12345 ") == "12345"
    assert normalize_phone("") == ""


# Masks -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812341234", "138****1234"),
        ("+86 138-1234-1234", "138****1234"),
        ("0551-62620110", "0551-****0110"),
        ("(0551)62620110", "0551-****0110"),
        ("055162620110", "0551-****0110"),
        ("010-62345678", "010-****5678"),
        ("0551-6262011", "0551-***2011"),
        ("", ""),
        ("   ", ""),
        ("12812341234", "*******1234"),  # not a valid mobile: unknown format
        ("call me 555", "******* 555"),
        ("12345", "*2345"),
        ("1234", "****"),  # never the whole of a short unknown value
        ("12", "**"),
    ],
)
def test_mask_phone(value, masked):
    assert mask_phone(value) == masked


@pytest.mark.parametrize("value", ["abc", "abcdefghijkl", "+1 (415) 555-2671", "12812341234", "0551-626201"])
def test_mask_phone_never_reveals_more_than_four_characters_of_an_unknown_value(value):
    masked = mask_phone(value)
    assert len(masked) == len(value)
    assert len(masked.replace("*", "")) <= 4


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("340102199001011234", "340102********1234"),
        ("11010519491231002x", "110105********002X"),
        ("110105 19491231 002X", "110105********002X"),
        ("", ""),
        ("1234567890", "**********"),  # shorter than 11: all stars
        ("12", "**"),
        ("12345678901", "123456*8901"),
        ("110105491231002", "110105*****1002"),
    ],
)
def test_mask_id_number(value, masked):
    assert mask_id_number(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("张三", "张*"),
        ("李军", "李*"),
        (" 王丽 ", "王*"),
        ("张三丰", "张**"),
        ("欧阳娜娜", "欧阳**"),
        ("欧阳修", "欧阳*"),
        ("司马", "司*"),  # two characters: single surname 司
        ("夏明", "夏*"),
        ("张", "张*"),
        ("John Smith", "J***"),
        ("anna", "a***"),
        ("A", "A***"),
        ("", ""),
        ("  ", ""),
    ],
)
def test_mask_name(value, masked):
    assert mask_name(value) == masked


@pytest.mark.parametrize(
    "surname",
    ["欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "令狐"],
)
def test_mask_name_keeps_compound_surnames(surname):
    assert mask_name(surname + "明") == surname + "*"
    assert mask_name(surname + "明月") == surname + "**"


# Messages --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("validator", "value", "code", "english"),
    [
        (validate_phone, "12812341234", "invalid_phone", "Enter a valid mainland China mobile or landline number."),
        (
            validate_id_number,
            "110105491231002",
            "invalid_id_length",
            "Old 15-digit ID card numbers are not accepted; enter the 18-character number of the current card.",
        ),
        (
            validate_id_number,
            "1101051949123100",
            "invalid_id_length",
            "An ID card number has 18 characters: 17 digits followed by a digit or X.",
        ),
        (
            validate_id_number,
            id_number(region="990102"),
            "invalid_id_region",
            "The ID card number does not start with a valid province code.",
        ),
        (
            validate_id_number,
            id_number(born="19990230"),
            "invalid_id_birth_date",
            "The date of birth in the ID card number (digits 7 to 14) is not a real date between 1900 and today.",
        ),
        (
            validate_id_number,
            "110105194912310021",
            "invalid_id_checksum",
            "The last character of the ID card number does not match the others; check the number for typos.",
        ),
    ],
)
def test_error_messages_are_translatable(validator, value, code, english):
    error = error_of(validator, value)
    assert error.code == code
    assert isinstance(error.message, Promise), "use gettext_lazy so the message follows the request's language"
    with translation.override("en"):
        assert str(error.message) == english
