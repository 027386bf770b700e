"""The states of a village × star cell on the board, with their labels, colours and a mark that reads without colour.
One place for the matrix, the legend, the big screen and the exports."""

HELD, ON_TRACK, AT_RISK, WITHDRAWN, NOT_TARGETED = "held", "on_track", "at_risk", "withdrawn", "not_targeted"

# (code, label, colour, mark, text colour): the mark is what a colour-blind reader or a black-and-white print sees.
STATES = [
    (HELD, "已获得", "#1a7f37", "●", "#ffffff"),
    (ON_TRACK, "目标·推进正常", "#0969da", "◐", "#ffffff"),
    (AT_RISK, "目标·有风险", "#d4a72c", "▲", "#1f2328"),
    (WITHDRAWN, "本年被摘星", "#cf222e", "✕", "#ffffff"),
    (NOT_TARGETED, "未列目标", "#eaeef2", "–", "#57606a"),
]
CODES = [s[0] for s in STATES]
LABELS = {s[0]: s[1] for s in STATES}
COLOURS = {s[0]: s[2] for s in STATES}
MARKS = {s[0]: s[3] for s in STATES}
TEXT_COLOURS = {s[0]: s[4] for s in STATES}
# A held star with an overdue problem or task on it stays held but carries this mark too.
FLAGGED_MARK = "!"


def legend() -> list[dict]:
    return [{"code": c, "label": label, "colour": colour, "mark": mark, "text": text} for c, label, colour, mark, text in STATES]


def empty_cell_counts() -> dict:
    return {c: 0 for c in CODES}
