"""The written mediation agreement (调解协议书) as a PDF, in Chinese with CJK fonts.

Parties are named in full: they sign the agreement. Their ID card numbers and phones are
masked unless ``full_identity`` is asked for — the copy the parties sign and may take to
court for judicial confirmation needs them; the caller decides who may print that copy
(`mediation.permissions.can_see_full_identity`).
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import formats, timezone, translation

from mediation.models import Agreement

DOCUMENT_LANGUAGE = "zh-hans"  # a legal document of the mainland: always in Simplified Chinese


def agreement_context(agreement: Agreement, *, full_identity: bool = False) -> dict:
    case = agreement.case
    parties = [
        {
            "pk": party.pk,
            "role": party.get_role_display(),
            "name": party.name,
            "id_number": party.id_number if full_identity else party.masked_id_number,
            "phone": party.phone if full_identity else party.masked_phone,
            "address": party.address,
        }
        for party in case.parties.all()
    ]
    names = {party["pk"]: party["name"] for party in parties}
    terms = [{"party": names.get(term.party_id), "text": term.text, "due": term.due} for term in agreement.items.all()]
    signed_on = timezone.localdate(agreement.signed_at)
    return {
        "agreement": agreement,
        "case": case,
        "room": case.room,
        "parties": parties,
        "terms": terms,
        "mediators": list(case.mediators.all()),
        "signed_on": signed_on,
        "confirmation_due": formats.date_format(agreement.judicial_confirmation_due, "DATE_FORMAT"),
        "copies": len(parties) + 1,
    }


def render_agreement_html(agreement: Agreement, *, full_identity: bool = False) -> str:
    with translation.override(DOCUMENT_LANGUAGE):
        context = agreement_context(agreement, full_identity=full_identity)
        return render_to_string("mediation/agreement_pdf.html", context)


def render_agreement_pdf(agreement: Agreement, *, full_identity: bool = False) -> bytes:
    from weasyprint import HTML  # imported here: it loads Pango, which only this needs

    return HTML(string=render_agreement_html(agreement, full_identity=full_identity)).write_pdf()
