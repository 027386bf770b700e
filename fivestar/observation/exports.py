"""The published ranking of an observation as an xlsx (观摩排名), one function for the page and the API: rows read
in order into a write-only workbook whose every text cell is neutralised as it is written (a village or an event
named "=HYPERLINK(…)" comes back as text), saved to a temporary file and streamed."""

from django.db.models import F
from django.http import FileResponse
from openpyxl.styles import Font

from fivestar.core.xlsx import append_row, safe_cell, save_to_tempfile, write_only_workbook
from fivestar.supervision.exports.views import XLSX, attachment

HEADER = ["名次", "村（社区）", "代码", "得分", "评分人数", "去掉最高最低分"]


def ranking_response(event) -> FileResponse:
    """The event's published ranking (unranked villages last) as a streamed download; 2 queries."""
    wb = write_only_workbook()
    ws = wb.create_sheet("观摩排名")
    append_row(ws, [safe_cell(ws, f"{event.title}排名（{event.date:%Y年%m月%d日}）", font=Font(bold=True, size=14))])
    append_row(ws, HEADER)
    rows = event.ranking.select_related("village").order_by(F("rank").asc(nulls_last=True), "village__code")
    for r in rows.iterator(chunk_size=500):
        append_row(ws, [r.rank, r.village.display_name, r.village.code, float(r.score) if r.score is not None else None,
                        r.observer_count, "是" if r.dropped_extremes else "否"])
    response = FileResponse(save_to_tempfile(wb), content_type=XLSX)
    response["Content-Disposition"] = attachment(f"observation-ranking-{event.pk}.xlsx", f"观摩排名-{event.title}.xlsx")
    return response
