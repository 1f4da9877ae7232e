"""A report snapshot as a PDF, in Chinese with CJK fonts (as ``mediation/pdf.py``): the same
tables as the page (``reports.sections``), landscape A4 for the wide per-unit tables."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from reports.models import ReportSnapshot
from reports.sections import sections

DOCUMENT_LANGUAGE = "zh-hans"  # an official circular of the town: always in Simplified Chinese


def render_snapshot_html(snapshot: ReportSnapshot) -> str:
    with translation.override(DOCUMENT_LANGUAGE):
        return render_to_string(
            "reports/snapshot_pdf.html", {"snapshot": snapshot, "sections": sections(snapshot.figures)}
        )


def render_snapshot_pdf(snapshot: ReportSnapshot) -> bytes:
    from weasyprint import HTML  # imported here: it loads Pango, which only this needs

    return HTML(string=render_snapshot_html(snapshot)).write_pdf()
