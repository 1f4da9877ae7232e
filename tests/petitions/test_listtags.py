"""The list's cheaper filters give what Django's would."""

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from petitions.models import Petition
from petitions.states import Origin, State
from petitions.templatetags.desk_petitions import display, iso_day


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_display_is_get_foo_display(language):
    with translation.override(language):
        for state in State:
            p = Petition(state=state)
            assert display(p, "state") == p.get_state_display()
        for origin in Origin:
            p = Petition(origin=origin)
            assert display(p, "origin") == p.get_origin_display()
        assert display(Petition(state="no-such-state"), "state") == Petition(state="no-such-state").get_state_display()


def _date_filter(value) -> str:
    return Template('{{ d|date:"Y-m-d" }}').render(Context({"d": value}))


def test_iso_day_is_the_date_filter_in_local_time():
    late_utc = datetime(2026, 3, 1, 17, 30, tzinfo=UTC)  # 01:30 on 2 March in Shanghai
    assert iso_day(late_utc) == _date_filter(late_utc) == "2026-03-02"
    assert iso_day(date(2026, 3, 1)) == _date_filter(date(2026, 3, 1))
    assert iso_day(None) == _date_filter(None) == ""
