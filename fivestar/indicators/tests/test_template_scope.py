"""The income template covers the whole scope it is asked for (no silent cap), streamed in bounded memory."""

import io
import tracemalloc
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from fivestar.core.roles import Role
from fivestar.indicators import excel
from fivestar.indicators.import_services import import_workbook
from fivestar.indicators.models import CollectiveIncome
from fivestar.orgs.models import Level, OrgUnit

pytestmark = pytest.mark.django_db
TOWNS, PER_TOWN = 7, 800  # 5,600 new villages: more than the 5,000 the template used to stop at


def many_villages(county) -> list[OrgUnit]:
    towns = OrgUnit.objects.bulk_create(
        OrgUnit(code=f"{county.code}{200 + t}", name=f"测试{t}镇", display_name=f"测试{t}镇", level=Level.TOWN, parent=county,
                path=f"{county.path}{county.code}{200 + t}/")
        for t in range(TOWNS))
    return OrgUnit.objects.bulk_create(
        OrgUnit(code=f"{town.code}{100 + v:03d}", name=f"{town.name}{v}村委会", display_name=f"{town.name}{v}村", level=Level.VILLAGE,
                parent=town, path=f"{town.path}{town.code}{100 + v:03d}/", branch_type="rural")
        for town in towns for v in range(PER_TOWN))


def download(client, year=2023) -> bytes:
    response = client.get(f"/indicators/import/template.xlsx?year={year}")
    assert response.status_code == 200 and response.streaming
    assert "filename*=UTF-8''" in response["Content-Disposition"] and int(response["Content-Length"]) > 0
    return response.getvalue()


def test_every_village_in_scope_is_in_the_template_and_it_imports_back(world, login, monkeypatch):
    county = world.county
    villages = many_villages(county)
    last = villages[-1]
    CollectiveIncome.objects.create(org_unit=last, year=2023, operating_income=Decimal(70000), note="=1+1 备注")
    user = world.users[Role.COUNTY_ADMIN]
    content = download(login(user))

    ws = load_workbook(io.BytesIO(content), read_only=True)["集体经济收入"]
    rows = list(ws.iter_rows(values_only=True))
    expected = set(OrgUnit.objects.filter(level=Level.VILLAGE, path__startswith=county.path).values_list("code", flat=True))
    assert len(expected) == TOWNS * PER_TOWN + 4
    codes = [r[0] for r in rows[1:]]
    assert len(codes) == len(expected) and set(codes) == expected  # every village once, none left out
    assert codes == sorted(codes)  # in hierarchy order
    assert rows[-1] == (last.code, last.display_name, 2023, 70000, 0, "=1+1 备注")  # beyond the old 5,000 cap

    # Handed back unchanged, the untouched rows do not count against the import's row limit.
    monkeypatch.setattr(excel, "MAX_ROWS", 100)
    outcome = import_workbook(user, io.BytesIO(content))
    assert outcome.ok, outcome.problems[:3]
    assert outcome.counts["unchanged"] == 1 and outcome.skipped == len(expected) - 1


def test_memory_while_writing_does_not_grow_with_the_rows():
    def peak(n: int) -> int:
        rows = ({"code": f"41092820{i:04d}", "name": f"测试{i}村", "year": 2023, "operating": Decimal(i), "other": None, "note": ""}
                for i in range(n))
        tracemalloc.start()
        try:
            excel.write_template(rows, 2023).close()
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak(1_000), peak(8_000)
    print(f"income template: tracemalloc peak {small / 1e6:.2f} MB for 1,000 rows, {large / 1e6:.2f} MB for 8,000 rows")
    assert large < small * 1.5 + 1_000_000  # eight times the rows, about the same memory
