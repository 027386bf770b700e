"""A board as a picture (PNG, drawn with Pillow) and as a PDF (HTML → WeasyPrint in a memory-capped child).

Both take one plain dict, the *board document* (built by `exports.board_doc` from a board's selector data,
or by hand in tests), so they need no database:

    {"title": str, "subtitle": str,
     "figures": [{"label": str, "value": str}],
     "legend": [{"colour": "#…", "label": str, "mark": "●"}],
     "tables": [{"title": str, "columns": [str], "rows": [[cell, ...]]}],   # cell: text/number or
                                                                            # {"text", "colour", "mark"}
     "map": geo.map_doc(...) or None,
     "notes": [str]}

The PNG uses the CJK font fontconfig picks for "Noto Sans CJK SC" (Debian's fonts-noto-cjk); the PDF is
the same HTML WeasyPrint renders for the certificate (rating/certificate.render_pdf: a child process with
its address space capped, so the ~250 MB WeasyPrint needs never stays in a web worker).
"""

from __future__ import annotations

import functools
import io
import subprocess

from django.template.loader import render_to_string

PNG_MAX_ROWS = 400  # a picture for a wall or a chat group; longer lists are for the Excel export
WIDTH = 1600
MARGIN = 40
ROW_H = 34
BG = "#ffffff"
INK = "#1f2933"
MUTED = "#6b7785"
RULE = "#d5dbe1"
HEAD_BG = "#b3261e"
HEAD_INK = "#ffffff"


class FontMissing(Exception):
    """No CJK font: the picture would show boxes instead of Chinese."""


@functools.lru_cache(maxsize=4)
def font_file(family: str = "Noto Sans CJK SC", bold: bool = False) -> tuple[str, int]:
    """(path, face index) fontconfig picks for a family; FontMissing when it is not a CJK font."""
    pattern = f"{family}:bold" if bold else family
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}\t%{index}\t%{lang}", pattern],
                             capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        out = ""
    path, _, rest = out.partition("\t")
    index, _, langs = rest.partition("\t")
    if not path or "zh-cn" not in langs.split("|"):
        raise FontMissing("未找到中文字体（Noto Sans CJK SC），无法生成图片；请安装 fonts-noto-cjk。")
    return path, int(index or 0)


@functools.lru_cache(maxsize=32)
def font(size: int, bold: bool = False):
    from PIL import ImageFont

    path, index = font_file(bold=bold)
    return ImageFont.truetype(path, size, index=index)


# Marks the CJK font has no glyph for, drawn with a look-alike it has (Pillow has no font fallback).
GLYPHS = str.maketrans({"✕": "×"})


def _cell(value) -> dict:
    if isinstance(value, dict):
        colour = value.get("colour")
        return {"text": str(value.get("text", "")), "colour": colour, "mark": str(value.get("mark", "")).translate(GLYPHS),
                "ink": _ink_on(colour)}
    return {"text": "" if value is None else str(value), "colour": None, "mark": "", "ink": INK}


def _ink_on(colour: str | None) -> str:
    """Black or white text, whichever reads on the fill."""
    if not colour or not colour.startswith("#") or len(colour) != 7:
        return INK
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return INK if (0.299 * r + 0.587 * g + 0.114 * b) > 150 else "#ffffff"


def _fit(draw, text: str, fnt, width: int) -> str:
    if draw.textlength(text, font=fnt) <= width:
        return text
    while text and draw.textlength(text + "…", font=fnt) > width:
        text = text[:-1]
    return text + "…"


def _column_widths(draw, table: dict, fnt, total: int) -> list[int]:
    columns = table["columns"]
    rows = table["rows"][:PNG_MAX_ROWS]
    natural = []
    for i, head in enumerate(columns):
        longest = max([draw.textlength(str(head), font=fnt)]
                      + [draw.textlength((_cell(r[i])["mark"] + " " + _cell(r[i])["text"]).strip(), font=fnt)
                         for r in rows[:200] if i < len(r)])
        natural.append(min(longest + 24, 420))
    scale = total / sum(natural)  # wide lists shrink, short ones spread over the page
    widths = [int(w * scale) for w in natural]
    widths[-1] += total - sum(widths)
    return widths


def _height(doc: dict) -> int:
    h = MARGIN + 60 + 40  # title, subtitle
    if doc.get("figures"):
        h += 110
    if doc.get("legend"):
        h += 44
    if doc.get("map"):
        h += doc["map"]["height"] + 40 + 60
    for table in doc.get("tables", []):
        rows = min(len(table["rows"]), PNG_MAX_ROWS)
        h += 50 + ROW_H * (rows + 1) + (ROW_H if len(table["rows"]) > PNG_MAX_ROWS else 0) + 20
    h += 30 * len(doc.get("notes", [])) + MARGIN
    return h


def board_png(doc: dict) -> bytes:
    """The board document as a PNG picture (white, A-series-like proportions, Chinese text)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH, _height(doc)), BG)
    draw = ImageDraw.Draw(image)
    y = MARGIN
    draw.text((MARGIN, y), doc.get("title", ""), font=font(40, bold=True), fill=HEAD_BG)
    y += 60
    draw.text((MARGIN, y), doc.get("subtitle", ""), font=font(22), fill=MUTED)
    y += 40
    figures = doc.get("figures") or []
    if figures:
        gap = 16
        box_w = (WIDTH - 2 * MARGIN - gap * (len(figures) - 1)) // len(figures)
        for i, fig in enumerate(figures):
            x = MARGIN + i * (box_w + gap)
            draw.rounded_rectangle((x, y, x + box_w, y + 92), radius=8, outline=RULE, fill="#fbf7f4")
            draw.text((x + 14, y + 8), _fit(draw, str(fig["value"]), font(36, bold=True), box_w - 28),
                      font=font(36, bold=True), fill=INK)
            draw.text((x + 14, y + 58), _fit(draw, str(fig["label"]), font(20), box_w - 28), font=font(20), fill=MUTED)
        y += 110
    legend = doc.get("legend") or []
    if legend:
        x = MARGIN
        for item in legend:
            draw.rectangle((x, y + 6, x + 26, y + 32), fill=item["colour"], outline=RULE)
            mark = str(item.get("mark", "")).translate(GLYPHS)
            if mark:
                draw.text((x + 13, y + 19), mark, font=font(18), fill=_ink_on(item["colour"]), anchor="mm")
            label = item["label"]
            draw.text((x + 34, y + 6), label, font=font(20), fill=INK)
            x += 34 + int(draw.textlength(label, font=font(20))) + 28
        y += 44
    if doc.get("map"):
        y = _draw_map(draw, doc["map"], y)
    body, head = font(20), font(20, bold=True)
    for table in doc.get("tables", []):
        draw.text((MARGIN, y + 8), table.get("title", ""), font=font(26, bold=True), fill=INK)
        y += 50
        widths = _column_widths(draw, table, body, WIDTH - 2 * MARGIN)
        x = MARGIN
        draw.rectangle((MARGIN, y, WIDTH - MARGIN, y + ROW_H), fill=HEAD_BG)
        for w, name in zip(widths, table["columns"]):
            draw.text((x + 8, y + ROW_H / 2), _fit(draw, str(name), head, w - 16), font=head, fill=HEAD_INK, anchor="lm")
            x += w
        y += ROW_H
        for n, row in enumerate(table["rows"][:PNG_MAX_ROWS]):
            x = MARGIN
            if n % 2:
                draw.rectangle((MARGIN, y, WIDTH - MARGIN, y + ROW_H), fill="#f6f7f9")
            for w, value in zip(widths, row):
                cell = _cell(value)
                if cell["colour"]:
                    draw.rectangle((x + 2, y + 2, x + w - 2, y + ROW_H - 2), fill=cell["colour"])
                text = (cell["mark"] + " " + cell["text"]).strip()
                draw.text((x + 8, y + ROW_H / 2), _fit(draw, text, body, w - 16), font=body,
                          fill=_ink_on(cell["colour"]), anchor="lm")
                x += w
            draw.line((MARGIN, y + ROW_H, WIDTH - MARGIN, y + ROW_H), fill=RULE)
            y += ROW_H
        if len(table["rows"]) > PNG_MAX_ROWS:
            draw.text((MARGIN, y + 6), f"……另有 {len(table['rows']) - PNG_MAX_ROWS} 行，请导出 Excel 查看全部。",
                      font=body, fill=MUTED)
            y += ROW_H
        y += 20
    for note in doc.get("notes", []):
        draw.text((MARGIN, y), note.translate(GLYPHS), font=font(18), fill=MUTED)
        y += 30
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _draw_map(draw, doc_map: dict, y: int) -> int:
    draw.text((MARGIN, y + 8), doc_map.get("title", "") + "（示意图）", font=font(26, bold=True), fill=INK)
    y += 60
    ox = MARGIN
    for shape in doc_map.get("context", []):
        for ring in shape["polygons"]:
            draw.polygon([(ox + px, y + py) for px, py in ring], fill="#eef1f4", outline="#9aa5b1")
    for shape in doc_map.get("shapes", []):
        for ring in shape["polygons"]:
            draw.polygon([(ox + px, y + py) for px, py in ring], fill=shape["colour"], outline="#ffffff")
    for shape in doc_map.get("shapes", []) + doc_map.get("context", []):
        ink = _ink_on(shape.get("colour"))
        draw.text((ox + shape["x"], y + shape["y"] - 12), shape["name"], font=font(20, bold=True), fill=ink, anchor="mm")
        if "percent" in shape:
            draw.text((ox + shape["x"], y + shape["y"] + 12), shape["percent"], font=font(18), fill=ink, anchor="mm")
    tiles = doc_map.get("tiles", [])
    if tiles:
        tx = ox + (doc_map["width"] + 30 if doc_map.get("shapes") else 0)
        size = 180
        for tile in tiles:
            x0, y0 = tx + tile["col"] * (size + 8), y + tile["row"] * (size // 2 + 8)
            draw.rectangle((x0, y0, x0 + size, y0 + size // 2), fill=tile["colour"], outline=RULE)
            ink = _ink_on(tile["colour"])
            draw.text((x0 + size / 2, y0 + 20), _fit(draw, tile["name"], font(18), size - 10), font=font(18), fill=ink, anchor="mm")
            draw.text((x0 + size / 2, y0 + 46), tile["percent"], font=font(18, bold=True), fill=ink, anchor="mm")
    return y + doc_map["height"] + 40


def board_html(doc: dict) -> str:
    """The board document as one self-contained HTML page (inline CSS, system fonts) for WeasyPrint."""
    tables = [{**t, "rows": [[_cell(v) for v in row] for row in t["rows"]]} for t in doc.get("tables", [])]
    return render_to_string("boards/board_pdf.html", {"doc": doc, "tables": tables})


def board_pdf(doc: dict) -> bytes:
    """The board document as an A4 landscape PDF (Chinese in Noto CJK); CertificateUnavailable when it cannot be made."""
    from fivestar.rating.certificate import render_pdf

    return render_pdf(board_html(doc))
