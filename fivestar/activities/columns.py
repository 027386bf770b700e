"""What each list shows and each export writes: one column definition per kind of record, so the page and
the xlsx agree."""


def _person(p):
    return p.name if p else ""


COLUMNS = {
    "sessions": [("村（社区）", lambda r: r.org_unit.display_name), ("日期", lambda r: r.date.isoformat()), ("类型", lambda r: r.kind.name),
                 ("活动内容", lambda r: r.title), ("地点", lambda r: r.location), ("应到", lambda r: r.expected), ("实到", lambda r: r.attended),
                 ("参学率（%）", lambda r: r.rate if r.rate is not None else "")],
    "honours": [("村（社区）", lambda r: r.org_unit.display_name), ("荣誉称号", lambda r: r.title), ("级别", lambda r: r.get_level_display()),
                ("授予单位", lambda r: r.issuer), ("年度", lambda r: r.year), ("证书", lambda r: "有" if r.certificate_id else "无"), ("备注", lambda r: r.note)],
    "awards": [("村（社区）", lambda r: r.org_unit.display_name), ("年度", lambda r: r.year), ("评选类别", lambda r: r.category),
               ("姓名", lambda r: r.person_name), ("备注", lambda r: r.note)],
    "pairs": [("村（社区）", lambda r: r.org_unit.display_name), ("导师", lambda r: _person(r.mentor)), ("帮带对象", lambda r: _person(r.mentee)),
              ("帮带方式", lambda r: r.get_kind_display()), ("开始", lambda r: r.start.isoformat()), ("结束", lambda r: r.end.isoformat() if r.end else ""),
              ("帮带次数", lambda r: r.meetings_held)],
    "checks": [("村（社区）", lambda r: r.org_unit.display_name), ("排查日期", lambda r: r.date.isoformat()), ("排查人", lambda r: r.checker),
               ("发现隐患", lambda r: r.risks_found), ("排查情况", lambda r: r.findings)],
    "incidents": [("村（社区）", lambda r: r.org_unit.display_name), ("日期", lambda r: r.date.isoformat()), ("类别", lambda r: r.get_kind_display()),
                  ("严重程度", lambda r: r.get_severity_display()), ("情况说明", lambda r: r.description), ("处置结果", lambda r: r.outcome),
                  ("否决", lambda r: r.get_veto_status_display())],
    "projects": [("村（社区）", lambda r: r.org_unit.display_name), ("年度", lambda r: r.year), ("项目", lambda r: r.name),
                 ("进度（%）", lambda r: r.progress), ("计划投入（元）", lambda r: float(r.budget)), ("到位资金（元）", lambda r: float(r.funded))],
}


def header(what):
    return [h for h, _ in COLUMNS[what]]


def row(what, record):
    return [get(record) for _, get in COLUMNS[what]]
