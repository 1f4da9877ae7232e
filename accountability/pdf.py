"""The minutes of a liaison joint meeting (会议纪要) as a PDF, in Chinese with CJK fonts:
the meeting, who attended, and each agenda item with its case, why it was on the agenda and
what was decided. Petitioners are not named: the minutes go round the units."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation

from accountability.models import Meeting
from accountability.selectors import meeting_agenda

DOCUMENT_LANGUAGE = "zh-hans"  # an official document of the town: always in Simplified Chinese


def minutes_context(meeting: Meeting) -> dict:
    return {
        "meeting": meeting,
        "town": meeting.town,
        "attendees": list(meeting.attendees.order_by("role", "username")),
        "items": meeting_agenda(meeting),
        "printed_on": timezone.localdate(),
    }


def render_minutes_html(meeting: Meeting) -> str:
    with translation.override(DOCUMENT_LANGUAGE):
        return render_to_string("accountability/minutes_pdf.html", minutes_context(meeting))


def render_minutes_pdf(meeting: Meeting) -> bytes:
    from weasyprint import HTML  # imported here: it loads Pango, which only this needs

    return HTML(string=render_minutes_html(meeting)).write_pdf()
