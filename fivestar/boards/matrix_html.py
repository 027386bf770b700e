"""The town board's matrix body as HTML, built in Python.

A town's matrix is rows × stars cells, each with a link, colours, a title and an ARIA label; through the template
engine that was a third of the page's CPU. The markup is the same the template had (tests read its data-testids)."""

from django.utils.html import escape, format_html_join
from django.utils.safestring import mark_safe

from . import states

_LEGEND = {s["code"]: s for s in states.legend()}


def _cell(village_name: str, c: dict) -> str:
    if not c["state"]:
        return '<td class="cell text-muted small" data-state="" title="不适用于该类型支部">·</td>'
    style = _LEGEND[c["state"]]
    flag = '<span class="flag">!</span>' if c["flagged"] else ""
    return (f'<td class="cell" data-state="{c["state"]}"><a href="{escape(c["url"])}" '
            f'style="background:{style["colour"]};color:{style["text"]}" '
            f'title="{escape(style["label"])}：{escape("；".join(c["reasons"]))}" '
            f'aria-label="{escape(village_name)} {escape(style["label"])}" data-testid="board-cell">{style["mark"]}{flag}</a></td>')


def body(rows: list[dict], columns: list[tuple]) -> str:
    """The <tbody> rows (without the tag) for the matrix; `rows` as `selectors.town_board` returns them."""
    if not rows:
        return format_html_join("", '<tr><td colspan="{}" class="text-muted">没有符合条件的村（社区）。</td></tr>', [(len(columns) + 4,)])
    out = []
    for row in rows:
        village = row["village"]
        name = village.display_name
        cells = "".join(_cell(name, row["cells"][code]) for code, _ in columns)
        target = str(row["target_rating"]) if row["has_target"] else "–"
        out.append(f'<tr data-testid="board-row" data-village="{escape(village.code)}">'
                   f'<th class="village small fw-normal" scope="row">{escape(name)}</th>'
                   f'<td class="small d-none d-md-table-cell">{escape(row["area"])}</td>'
                   f'<td class="small d-none d-md-table-cell">{escape(row["category"])}</td>'
                   f'{cells}<td class="text-center small">{row["rating_held"]}/{target}</td></tr>')
    return mark_safe("".join(out))  # noqa: S308 — every user value above went through escape()
