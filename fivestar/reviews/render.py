"""A town's packs as Word (python-docx) and PDF (WeasyPrint in the certificates' bounded child process): a ranking
table per kind, then one section per person. Every number comes from the packs' snapshots."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from .models import PackKind
from .selectors import figures_table, points_table


def document(town, year: int, packs: list) -> dict:
    kinds = []
    for kind, label in PackKind.choices:
        rows = [p for p in packs if p.kind == kind]
        if rows:
            kinds.append({"label": label, "packs": [{
                "rank": p.rank or "", "name": p.person.name, "unit": p.org_unit.display_name,
                "duties": "；".join(p.snapshot.get("duties", [])), "score": str(p.score), "computed_grade": p.computed_grade,
                "grade": p.grade, "comment": p.comment, "figures": figures_table(p), "points": points_table(p),
                "reason": p.last_reason if hasattr(p, "last_reason") else "",
            } for p in rows]})
    return {"title": f"{town.display_name}{year}年度党建述职考核材料", "town": town.display_name, "year": year, "kinds": kinds}


def to_docx(doc_data: dict) -> bytes:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(10.5)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    doc.add_heading(doc_data["title"], level=1)
    for kind in doc_data["kinds"]:
        doc.add_heading(f"{kind['label']}考核排名", level=2)
        _table(doc, ["名次", "姓名", "单位", "得分", "计算等次", "最终等次"],
               [[p["rank"], p["name"], p["unit"], p["score"], p["computed_grade"], p["grade"]] for p in kind["packs"]])
    for kind in doc_data["kinds"]:
        for p in kind["packs"]:
            doc.add_heading(f"{p['name']}（{p['unit']}，{kind['label']}）", level=2)
            doc.add_paragraph(f"职责：{p['duties']}")
            doc.add_paragraph(f"得分 {p['score']}，计算等次「{p['computed_grade']}」，最终等次「{p['grade']}」，镇内第 {p['rank']} 名。")
            if p["reason"]:
                doc.add_paragraph(f"等次调整理由：{p['reason']}")
            if p["comment"]:
                doc.add_paragraph(f"考核意见：{p['comment']}")
            _table(doc, ["评分项目", "权重", "得分"], [[x["label"], x["weight"], x["points"]] for x in p["points"]])
            _table(doc, ["指标", "数值"], [[label, value] for label, value in p["figures"]])
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _table(doc, head, rows):
    table = doc.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    for cell, value in zip(table.rows[0].cells, head):
        cell.text = str(value)
    for row in rows:
        for cell, value in zip(table.add_row().cells, row):
            cell.text = str(value)


def to_html(doc_data: dict) -> str:
    return render_to_string("reviews/export_doc.html", {"d": doc_data})


def to_pdf(doc_data: dict) -> bytes:
    from fivestar.rating.certificate import render_pdf

    return render_pdf(to_html(doc_data))
