"""Pages of long lists without counting millions of rows: the count stops at ``CAP`` (one
bounded query), and the page links go as far as that. A city's desk holds millions of
petitions; nobody pages past the 400th page of 25, they narrow the filter."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

CAP = 10_000


class CappedPaginator(Paginator):
    """``count`` is the real number up to ``CAP``, else ``CAP`` with ``capped`` set."""

    cap = CAP

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        return super().num_pages if not self.capped else -(-self.cap // self.per_page)
