"""Pages of the API's lists with the case list's bounded count (``petitions.pagination``).

DRF's ``PageNumberPagination`` counts every row the list could show: ``SELECT COUNT(*)`` over
the town's million petitions took ~160 ms of a ~190 ms request. Here the count stops at
``CAP``; past it the answer says ``count_capped: true`` with ``count`` = ``CAP``, and the pages
go as far as the cap, as on the case list: a client narrows the filter (state, village, dates…)
instead of paging through hundreds of thousands of rows."""

from __future__ import annotations

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from petitions.pagination import CAP, CappedPaginator


class CappedPageNumberPagination(PageNumberPagination):
    """``PageNumberPagination`` (``?page=N``, ``PAGE_SIZE``) with ``CappedPaginator``'s count."""

    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                # CappedPaginator counts one row past the cap to know there are more.
                "count": min(paginator.count, paginator.cap),
                "count_capped": paginator.capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        properties = paginated["properties"]
        # Every property keeps an example: drf-spectacular builds the list examples from them.
        paginated["properties"] = {
            "count": {
                **properties["count"],
                "description": f"符合条件的结果数；超过 {CAP} 条时只数到 {CAP}，并且 count_capped 为 true。",
            },
            "count_capped": {
                "type": "boolean",
                "example": False,
                "description": f"为 true 表示结果多于 {CAP} 条：总数不再精确计算，分页只到第 {CAP} 条为止，"
                "请用筛选条件缩小范围。",
            },
            **{name: value for name, value in properties.items() if name != "count"},
        }
        paginated["required"] = ["count", "count_capped", "results"]
        return paginated
