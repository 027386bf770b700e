import pytest

from fivestar.orgs.models import Level, OrgUnit
from fivestar.orgs.naming import branch_type_for, display_name, pinyin_initials


@pytest.mark.parametrize(
    "name,expected",
    [
        ("西辛庄村委会", "西辛庄村"),
        ("张贾村村委会", "张贾村"),
        ("岳村集村村民委员会", "岳村集村"),
        ("龙鑫苑社区居民委员会", "龙鑫苑社区"),
        ("凤鸣社区居委会", "凤鸣社区"),
        ("卫城居委会", "卫城社区"),
        ("庆祖镇", "庆祖镇"),
        ("村委会", "村委会"),
    ],
)
def test_display_name(name, expected):
    assert display_name(name) == expected


def test_branch_type_from_name():
    assert branch_type_for("西辛庄村委会") == "rural"
    assert branch_type_for("龙鑫苑社区居民委员会") == "community"
    assert branch_type_for("卫城居委会") == "community"


def test_pinyin_initials():
    assert pinyin_initials("西辛庄村") == "xxzc"
    assert pinyin_initials("后郑寨村") == "hzzc"


@pytest.mark.django_db
def test_path_level_and_search():
    province = OrgUnit.objects.create(code="41", name="河南省", level=Level.PROVINCE)
    town = OrgUnit.objects.create(code="410928103", name="庆祖镇", level=Level.TOWN, parent=province)
    village = OrgUnit.objects.create(code="410928103205", name="西辛庄村委会", level=Level.VILLAGE, parent=town)
    assert village.path == "/41/410928103/410928103205/"
    assert village.display_name == "西辛庄村" and village.branch_type == "rural"
    assert list(OrgUnit.objects.search("xxz")) == [village]
    assert list(OrgUnit.objects.search("西辛")) == [village]
    assert set(OrgUnit.objects.under(town)) == {town, village}
    # A branch type set by hand survives a rename.
    village.branch_type, village.branch_type_overridden = "community", True
    village.name = "西辛庄新村委会"
    village.display_name = ""
    village.save()
    village.refresh_from_db()
    assert village.branch_type == "community" and village.display_name == "西辛庄新村"
