"""Personal data of petitioners: phone and resident ID card numbers, validated, normalised, masked.

Pure functions, no models. Validators accept every spelling the normalisers understand, so a
form may validate the raw input and store ``normalize_*`` of it. Lists and logs show masks only.
"""

from __future__ import annotations

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# re.ASCII everywhere: \d and friends must not accept Arabic-Indic or other non-ASCII digits.
_MOBILE = re.compile(r"(?:\+86|0086|86)?(1[3-9][0-9]{9})", re.ASCII)
_AREA_CODE = re.compile(r"010|02[0-9]|0[3-9][0-9]{2}", re.ASCII)
_LOCAL_NUMBER = re.compile(r"[2-9][0-9]{6,7}", re.ASCII)
_LANDLINE_SPLIT = re.compile(r"\((0[0-9]{2,3})\)-?(.+)|(0[0-9]{2,3})-(.+)", re.ASCII)
_LANDLINE_DIGITS = re.compile(r"0[0-9]{9,11}", re.ASCII)

_ID_NUMBER = re.compile(r"[0-9]{17}[0-9X]", re.ASCII)
_OLD_ID_NUMBER = re.compile(r"[0-9]{15}", re.ASCII)
ID_NUMBER_SHAPE = re.compile(r"[0-9]{17}[0-9Xx]|[0-9]{15}", re.ASCII)  # what looks like one, valid or not
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARACTERS = "10X98765432"
_PROVINCE_CODES = frozenset(
    (*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55), *range(61, 66), 71, 81, 82, 83, 91)
)
_EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)

_COMPOUND_SURNAMES = frozenset(
    {
        *("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯"),
        *("令狐", "澹台", "轩辕", "端木", "万俟", "呼延", "赫连"),
    }
)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def _today() -> datetime.date:
    """Today in the desk's time zone (a seam for tests)."""
    return timezone.localdate()


def _parse_phone(value: str) -> tuple[str, str] | None:
    """Split a phone number into ("", mobile) or (area code, local number); None if it is neither."""
    text = re.sub(r"[\s-]+", "-", unicodedata.normalize("NFKC", value or "")).strip("-")
    if mobile := _MOBILE.fullmatch(re.sub(r"[-()]", "", text)):
        return "", mobile.group(1)
    if written := _LANDLINE_SPLIT.fullmatch(text):
        area = written.group(1) or written.group(3)
        local = (written.group(2) or written.group(4)).replace("-", "")
    elif _LANDLINE_DIGITS.fullmatch(text):
        # Written without a separator: 010 and 02X are the only 3-digit area codes.
        split = 3 if text.startswith(("010", "02")) else 4
        area, local = text[:split], text[split:]
    else:
        return None
    if _AREA_CODE.fullmatch(area) and _LOCAL_NUMBER.fullmatch(local):
        return area, local
    return None


def normalize_phone(value: str) -> str:
    """Canonical form: ``13812341234`` or ``0551-62620110``; an unrecognised value comes back stripped."""
    parsed = _parse_phone(value)
    if parsed is None:
        return (value or "").strip()
    area, number = parsed
    return f"{area}-{number}" if area else number


def validate_phone(value: str) -> None:
    """Accept a mainland mobile (1[3-9] + 9 digits) or a landline with its area code, in any spelling."""
    if _parse_phone(value) is None:
        raise ValidationError(_("Enter a valid mainland China mobile or landline number."), code="invalid_phone")


def normalize_id_number(value: str) -> str:
    """Drop whitespace (full-width characters become ASCII) and upper-case a final ``x``."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value or ""))
    return text[:-1] + "X" if text.endswith("x") else text


def _id_check_character(first_17: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first_17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARACTERS[total % 11]


def _date_part(number: str) -> datetime.date:
    """The date written in digits 7-14; ValueError if it is not a real date."""
    return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def _has_plausible_birth_date(number: str) -> bool:
    """Digits 7-14 are a real date from 1900 to today."""
    try:
        return _EARLIEST_BIRTH_DATE <= _date_part(number) <= _today()
    except ValueError:
        return False


def validate_id_number(value: str) -> None:
    """Accept an 18-character resident ID card number (GB 11643-1999) in any spacing or case."""
    number = normalize_id_number(value)
    if _OLD_ID_NUMBER.fullmatch(number):
        raise ValidationError(
            _("Old 15-digit ID card numbers are not accepted; enter the 18-character number of the current card."),
            code="invalid_id_length",
        )
    if not _ID_NUMBER.fullmatch(number):
        raise ValidationError(
            _("An ID card number has 18 characters: 17 digits followed by a digit or X."),
            code="invalid_id_length",
        )
    if int(number[:2]) not in _PROVINCE_CODES:
        raise ValidationError(
            _("The ID card number does not start with a valid province code."), code="invalid_id_region"
        )
    if not _has_plausible_birth_date(number):
        raise ValidationError(
            _("The date of birth in the ID card number (digits 7 to 14) is not a real date between 1900 and today."),
            code="invalid_id_birth_date",
        )
    if number[17] != _id_check_character(number[:17]):
        raise ValidationError(
            _("The last character of the ID card number does not match the others; check the number for typos."),
            code="invalid_id_checksum",
        )


def id_birth_date(value: str) -> datetime.date:
    """Date of birth of a valid ID card number; raises ValidationError for an invalid one."""
    validate_id_number(value)
    return _date_part(normalize_id_number(value))


def id_gender(value: str) -> str:
    """Return "male" or "female" from the 17th digit (odd is male); raises ValidationError for an invalid number."""
    validate_id_number(value)
    return "male" if int(normalize_id_number(value)[16]) % 2 else "female"


def _keep_last(text: str, count: int) -> str:
    """Stars for all but the last ``count`` characters; all stars if the text is not longer than that."""
    if len(text) <= count:
        return "*" * len(text)
    return "*" * (len(text) - count) + text[-count:]


def mask_phone(value: str) -> str:
    """``138****1234``, ``0551-****0110``; anything else keeps at most its last 4 characters."""
    text = (value or "").strip()
    parsed = _parse_phone(text)
    if parsed is None:
        return _keep_last(text, 4)
    area, number = parsed
    return f"{area}-{_keep_last(number, 4)}" if area else number[:3] + _keep_last(number[3:], 4)


def mask_id_number(value: str) -> str:
    """First 6 and last 4 characters kept (``340102********1234``); under 11 characters, all stars."""
    number = normalize_id_number(value)
    if len(number) < 11:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_name(value: str) -> str:
    """Chinese names keep the surname (``张*``, ``欧阳**``); other names their first letter + ``***``."""
    name = (value or "").strip()
    if not name:
        return ""
    if not _HAN.match(name):
        return name[0] + "***"
    surname = name[:2] if len(name) > 2 and name[:2] in _COMPOUND_SURNAMES else name[0]
    return surname + "*" * max(len(name) - len(surname), 1)


ANONYMOUS_NAME = "已匿名"


class MaskedIdentity:
    """The masked forms of a person's name, phone and ID number, for any model with the
    fields ``name``, ``phone`` and ``id_number`` (petitioners, mediation parties)."""

    def anonymise(self, *, at) -> None:
        """Remove the person's details for good (retention); the caller saves."""
        self.name, self.phone, self.id_number, self.address = ANONYMOUS_NAME, "", "", ""
        self.anonymised_at = at

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)
