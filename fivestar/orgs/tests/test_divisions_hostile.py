"""Division CSVs that would once have been silently merged: an unclosed quote, a line break in a field,
and files of the wrong kind under a .csv name."""

import io

import pytest
from openpyxl import Workbook

from fivestar.orgs.divisions import plan_import
from fivestar.orgs.models import OrgUnit

from .test_divisions import errors_of, villages, write_set

pytestmark = pytest.mark.django_db


def test_an_unclosed_quote_is_refused_with_its_line_not_merged(tmp_path):
    # The quote opened on line 2 closes on line 3: the csv module reads lines 2-3 as one valid-looking
    # row, so 西辛庄村 used to vanish and 龙鑫苑社区 got a two-line name.
    text = villages(
        '410928103001,"龙鑫苑社区居民委员会,410928103,41,4109,410928',
        '410928103205,"西辛庄村委会",410928103,41,4109,410928',
        "410922100201,城关村委会,410922100,41,4109,410922",
    )
    plan = plan_import(write_set(tmp_path, villages_csv=text))
    assert not plan.ok and plan.rows == []
    assert errors_of(plan) == [(
        "villages.csv", 2, "",
        "英文双引号（\"）未闭合，或字段内含有换行：第 2–3 行被读成了同一行。请检查该行的引号是否成对，名称等字段不能跨行",
    )]


def test_a_quote_left_open_to_the_end_of_the_file_is_refused(tmp_path):
    text = villages('410928103001,"龙鑫苑社区居民委员会,410928103,41,4109,410928', "410928103205,西辛庄村委会,410928103,41,4109,410928")
    plan = plan_import(write_set(tmp_path, villages_csv=text))
    assert [(e.file, e.row) for e in plan.errors] == [("villages.csv", 2)] and "第 2–3 行" in plan.errors[0].message
    assert not OrgUnit.objects.exists()


def test_a_line_break_inside_a_quoted_name_is_refused_and_later_rows_keep_their_line_numbers(tmp_path):
    text = villages(
        '410928103001,"龙鑫苑社区\n居民委员会",410928103,41,4109,410928',
        "410928103205,西辛庄村委会,410928103,41,4109,410928",
        "410928103205,西辛庄村委会,410928103,41,4109,410928",
    )
    plan = plan_import(write_set(tmp_path, villages_csv=text))
    assert errors_of(plan) == [
        ("villages.csv", 2, "", "英文双引号（\"）未闭合，或字段内含有换行：第 2–3 行被读成了同一行。请检查该行的引号是否成对，名称等字段不能跨行"),
        ("villages.csv", 5, "code", "代码 410928103205 重复（与第 4 行相同）"),  # physical lines, as an editor shows them
    ]


def _xlsx() -> bytes:
    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "data, kind",
    [(_xlsx(), "Excel（.xlsx）文件"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "旧版 Office 文件"), (b"%PDF-1.7\n", "PDF 文件")],
    ids=["xlsx", "xls", "pdf"],
)
def test_a_file_of_another_kind_under_a_csv_name_is_named(tmp_path, data, kind):
    plan = plan_import(write_set(tmp_path, villages_csv=data))
    [error] = plan.errors
    assert (error.file, error.row) == ("villages.csv", None)
    assert f"文件「villages.csv」实际是{kind}" in error.message and "另存为 CSV UTF-8" in error.message


def test_an_empty_upload_is_named(world, admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from fivestar.imports.models import ImportJob

    response = admin_client.post(reverse("imports:divisions"), {"files": [SimpleUploadedFile("divisions.zip", b"")]})
    assert "文件「divisions.zip」是空的" in response.content.decode()
    files = [SimpleUploadedFile(name, b"" if name == "areas.csv" else b"code,name\n")
             for name in ("provinces.csv", "cities.csv", "areas.csv", "streets.csv", "villages.csv")]
    admin_client.post(reverse("imports:divisions"), {"files": files})
    job = ImportJob.objects.get()
    assert {"file": "areas.csv", "row": None, "column": "", "message": "文件为空（没有表头，也没有数据行）"} in job.errors
