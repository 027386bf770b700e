"""A briefing's data as Word (python-docx), as HTML (the phone view and the PDF's source) and as PDF (WeasyPrint in
the bounded child process the certificates use). Every number comes from `briefing_data.collect`."""

import io

from django.template.loader import render_to_string
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt


def sections(data: dict) -> list[dict]:
    """The briefing as titled sections of lines and tables, shared by the Word file and the HTML view."""
    p, led, st, cm = data["problems"], data["ledger"], data["stars"], data["commitments"]
    out = [{"title": "一、督导问题", "lines": [
        f"本期新发现问题 {p['new']} 个，销号 {p['closed']} 个；目前未销号 {p['open']} 个，其中逾期 {p['overdue']} 个。"],
        "table": (["村（社区）", "逾期问题数"], [[r["village"], r["count"]] for r in p["overdue_by_village"]])}]
    r = data.get("round")
    if r:
        out.append({"title": "二、评星进度", "lines": [
            f"{r['round']}：应参评 {r['total']} 个，已提交自评 {r['submitted']} 个，已通过审核 {r['reviewed']} 个，"
            f"未提交 {r['not_started']} 个，被退回 {r['returned']} 个。"],
            "table": (["状态", "数量"], [[x["status"], x["count"]] for x in r["by_status"]])})
    else:
        out.append({"title": "二、评星进度", "lines": ["当前没有进行中的评星周期。"], "table": None})
    out.append({"title": "三、创建台账", "lines": [
        f"本年度任务 {led['total']} 项，未完成 {led['open']} 项，其中逾期 {led['overdue']} 项；"
        f"7 日内到期 {led['due_soon']} 项；本期完成 {led['done_in_period']} 项。"],
        "table": (["村（社区）", "任务", "责任人", "完成时限", "状态"],
                  [[t["village"], t["title"], t["owner"], t["deadline"], t["status"]] for t in led["tasks"]])})
    out.append({"title": "四、上次会议议定事项落实情况", "lines": [] if data["decisions"] else ["无。"],
                "table": (["议定事项", "村（社区）", "责任人", "完成时限", "状态"],
                          [[d["text"], d["village"], d["owner"], d["deadline"], d["status"]] for d in data["decisions"]]) if data["decisions"] else None})
    moved = [("晋星", x) for x in st["up"]] + [("降星", x) for x in st["down"]] + [("星数不变", x) for x in st.get("level", [])]
    out.append({"title": "五、星级变化", "lines": [
        f"按期初与期末所持星数比较：本期晋星 {st['up_count']} 个村（社区），降星 {st['down_count']} 个。"],
        "table": (["村（社区）", "变化", "星数", "所涉星"], [[x["village"], kind, _stars_count(x), x["stars"]] for kind, x in moved])
        if moved else None})
    out.append({"title": "六、月度承诺", "lines": [
        f"{cm['month']}：{cm['villages']} 个村（社区）中 {cm['posted']} 个已晒承诺，{cm['missing']} 个未晒承诺。"
        + ("未晒：" + "、".join(cm["missing_villages"]) if cm["missing_villages"] else "")], "table": None})
    sf = data.get("shortfalls")
    if sf:
        out.append({"title": "七、对照目标的差距", "lines": [
            f"有创建目标的 {sf['with_target']} 个村（社区）中，已达目标 {sf['reached']} 个，未达 {sf['short']} 个。"
            + ("按星统计缺口：" + "，".join(f"{x['star']} {x['count']} 个" for x in sf["by_star"]) if sf["by_star"] else "")],
            "table": (["村（社区）", "目标星级", "现有星级", "缺少"],
                      [[x["village"], x["target"], x["current"], x["missing"]] for x in sf["villages"]]) if sf["villages"] else None})
    return out


def _stars_count(row: dict) -> str:
    """期初 → 期末 stars held; a briefing kept from before the comparison (no counts) shows only the stars."""
    return f"{row['before']} → {row['after']} 星" if "before" in row else ""


def heading(data: dict) -> str:
    return f"{data['unit']}{data['title']}简报"


def subtitle(data: dict) -> str:
    return f"统计期间：{data['since']} 至 {data['until']}　生成时间：{data['generated_at']}　辖内村（社区） {data['villages']} 个"


def to_docx(data: dict) -> bytes:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(11)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    doc.add_heading(heading(data), level=1)
    doc.add_paragraph(subtitle(data))
    for section in sections(data):
        doc.add_heading(section["title"], level=2)
        for line in section["lines"]:
            doc.add_paragraph(line)
        if section["table"]:
            head, rows = section["table"]
            table = doc.add_table(rows=1, cols=len(head))
            table.style = "Table Grid"
            for cell, value in zip(table.rows[0].cells, head):
                cell.text = str(value)
            for row in rows:
                cells = table.add_row().cells
                for cell, value in zip(cells, row):
                    cell.text = str(value)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def to_html(data: dict, standalone: bool = True) -> str:
    return render_to_string("meetings/briefing_doc.html", {"data": data, "heading": heading(data), "subtitle": subtitle(data),
                                                            "sections": sections(data), "standalone": standalone})


def to_pdf(data: dict) -> bytes:
    from fivestar.rating.certificate import render_pdf

    return render_pdf(to_html(data))
