"""The filtered case list as an Excel workbook (openpyxl, write-only, streamed from a temp file)."""

from __future__ import annotations

import tempfile

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.xlsx import safe_row
from petitions import clocks
from petitions.models import Petition

MAX_ROWS = 200_000


def export_xlsx(petitions: QuerySet[Petition]) -> FileResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Petitions"))
    sheet.append(
        [
            _("Tracking number"),
            _("Registered"),
            _("Channel"),
            _("Origin"),
            _("Type"),
            _("Category"),
            _("Village"),
            _("Summary"),
            _("State"),
            _("Handling unit"),
            _("Responsible leader"),
            _("Next deadline"),
            _("Light"),
        ]
    )
    lights = dict(clocks.Light.choices)
    for p in petitions.order_by("-registered_at")[:MAX_ROWS].iterator(chunk_size=2000):
        light = clocks.light_for(p.next_due)
        sheet.append(
            safe_row(
                sheet,
                [
                    p.tracking_number,
                    timezone.localtime(p.registered_at).strftime("%Y-%m-%d %H:%M"),
                    p.get_channel_display(),
                    p.get_origin_display(),
                    p.get_kind_display(),
                    str(p.category),
                    p.village.short_name if p.village else "",
                    p.title,
                    p.get_state_display(),
                    p.unit.name if p.unit else "",
                    p.responsible_leader.display_name if p.responsible_leader else "",
                    p.next_due.isoformat() if p.next_due else "",
                    str(lights[light]) if light else "",
                ],
            )
        )
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it after streaming
    workbook.save(handle)
    handle.seek(0)
    filename = f"petitions-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
