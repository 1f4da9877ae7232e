"""The written agreement (调解协议书) as a PDF in Chinese: the text read back out of the PDF."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from mediation.pdf import render_agreement_html, render_agreement_pdf
from mediation.states import State
from tests.mediation.conftest import APPLICANT, RESPONDENT, TERMS_TEXT
from tests.petitions.conftest import OTHER_ID, VALID_ID


@pytest.fixture
def agreement(new_case, walk, clock):
    clock.set(date(2026, 3, 2))
    return walk(new_case(), State.AGREED).agreement


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


@pytest.mark.pdf
def test_the_agreement_pdf_carries_the_parties_terms_and_room_in_chinese(agreement):
    data = render_agreement_pdf(agreement)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for expected in (APPLICANT, RESPONDENT, *TERMS_TEXT, "东河口村睦邻调解室", agreement.case.tracking_number):
        assert expected in text, expected
    assert "现场拆除，调解员到场见证" in text  # how it is carried out
    assert "孙德" in text and "王秀兰" in text  # the mediators' signature lines


@pytest.mark.pdf
def test_the_pdf_embeds_a_cjk_font(agreement):
    data = render_agreement_pdf(agreement)
    reader = PdfReader(io.BytesIO(data))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("CJK" in name for name in fonts), fonts


def test_identity_numbers_and_phones_are_masked_unless_asked_for(agreement):
    masked = render_agreement_html(agreement)
    assert VALID_ID not in masked and OTHER_ID not in masked
    assert "110105********002X" in masked
    assert "138****1234" in masked
    full = render_agreement_html(agreement, full_identity=True)
    assert VALID_ID in full and "13812341234" in full


def test_the_pdf_names_the_judicial_confirmation_deadline_in_chinese_dates(agreement):
    html = render_agreement_html(agreement)
    assert "2026年4月1日" in html  # 30 days after 2 March
    assert "2026年3月2日" in html  # the seal line's date
