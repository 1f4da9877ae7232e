import csv
from pathlib import Path

import pytest
from django.core.management import call_command

from core import services
from core.models import Town, Village

CSV = Path(services.DATA_DIR) / "donghekou_villages.csv"


@pytest.mark.django_db
def test_load_town_creates_the_29_villages_with_their_official_codes():
    result = services.town_load()
    town = Town.objects.get()
    assert (town.name, town.code, town.tracking_prefix) == ("东河口镇", "341502105", "DHK")
    assert (town.hotline, town.report_phone, town.report_email) == (
        "0551-62620110",
        "0551-64376913",
        "3598612204@qq.com",
    )
    assert result.created == 29
    assert Village.objects.count() == 29
    with CSV.open(encoding="utf-8") as handle:
        expected = {row["code"]: row["name"] for row in csv.DictReader(handle)}
    assert dict(Village.objects.values_list("code", "name")) == expected
    assert Village.objects.get(code="341502105001").kind == Village.Kind.COMMUNITY
    assert Village.objects.filter(kind=Village.Kind.VILLAGE).count() == 28
    assert Village.objects.get(code="341502105201").short_name == "东河口村"


@pytest.mark.django_db
def test_load_town_twice_changes_nothing_and_keeps_edited_contacts():
    services.town_load()
    Town.objects.update(hotline="0564-1234567")
    result = services.town_load()
    assert (result.created, result.updated) == (0, 0)
    assert Village.objects.count() == 29
    assert Town.objects.get().hotline == "0564-1234567"


@pytest.mark.django_db
def test_load_town_renames_a_village_in_place(tmp_path):
    services.town_load()
    renamed = tmp_path / "villages.csv"
    rows = CSV.read_text(encoding="utf-8").replace("长岭村委会", "长岭社区居委会")
    rows = rows.replace("341502105200,长岭社区居委会,村", "341502105200,长岭社区居委会,居委会")
    renamed.write_text(rows, encoding="utf-8")
    result = services.town_load(villages_csv=renamed)
    assert (result.created, result.updated) == (0, 1)
    village = Village.objects.get(code="341502105200")
    assert (village.name, village.kind) == ("长岭社区居委会", Village.Kind.COMMUNITY)


@pytest.mark.django_db
def test_load_town_refuses_a_village_of_another_town(tmp_path):
    foreign = tmp_path / "villages.csv"
    foreign.write_text("code,name,kind,urban_rural_code\n341502106200,别处村委会,村,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="does not belong"):
        services.town_load(villages_csv=foreign)
    assert not Village.objects.exists()
    assert not Town.objects.exists()


@pytest.mark.django_db
def test_load_town_command_reports(capsys):
    call_command("load_town")
    assert "东河口镇 (341502105): 29 villages (29 created, 0 updated)" in capsys.readouterr().out
