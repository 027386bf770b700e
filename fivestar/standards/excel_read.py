"""Reading a framework workbook into YAML-shaped data, remembering the cell each value came from."""

from __future__ import annotations

from fivestar.core.uploads import UploadRefused
from fivestar.core.xlsx import open_workbook

from . import excel_layout as L
from . import labels
from .problems import Source

MAX_ROWS = 20000
MAX_BLANK_RUN = 5000


def _clean_header(value) -> str:
    s = "" if value is None else str(value).strip().lstrip("*").strip()
    for bracket in ("（", "("):
        s = s.split(bracket, 1)[0].strip()
    return s


def _cell_text(value) -> str | None:
    """A text cell: stripped, numbers written as typed (2024 → "2024"), empty → None."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    s = str(value).strip()
    return s or None


class _Sheet:
    """Rows of one sheet as {header: value}, with their Excel row numbers."""

    def __init__(self, ws, name: str, source: Source):
        self.name = name
        rows = ws.iter_rows(values_only=True)
        header = next(rows, ())
        self.columns = {}
        for index, title in enumerate(header):
            label = _clean_header(title)
            if label and label not in self.columns:
                self.columns[label] = index
        self.missing = [h for h in L.REQUIRED_HEADERS[name] if h not in self.columns]
        for h in self.missing:
            source.problems.append(source.problem(f"缺少列「{h}」（请使用导入模板的表头）", name, 1, h))
        self.rows: list[tuple[int, dict]] = []
        blank_run = 0
        for number, values in enumerate(rows, start=2):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                blank_run += 1
                if blank_run > MAX_BLANK_RUN:  # formatting applied to whole columns: nothing more to read
                    break
                continue
            blank_run = 0
            if len(self.rows) >= MAX_ROWS:
                source.problems.append(source.problem(f"数据超过 {MAX_ROWS} 行，请检查文件", name, number))
                break
            record = {h: (values[i] if i < len(values) else None) for h, i in self.columns.items()}
            self.rows.append((number, record))


def read_source(content: bytes, filename: str) -> Source:
    source = Source(filename, sheet_order=L.SHEET_ORDER)
    source.overrides = {
        ".standards": "该星在「标准」工作表中没有任何创建标准",
        ".rules": "该标准在「细则」工作表中没有任何细则",
        "stars": "「星」工作表中没有任何星",
    }
    try:  # kind, zip sizes, cell lengths and sheet sizes are checked before openpyxl parses anything
        wb = open_workbook(content, filename, max_columns=100)
    except UploadRefused as exc:
        source.problems.append(source.problem(str(exc)))
        return source
    sheets = {}
    try:
        for name in (L.INFO, L.STARS, L.STANDARDS, L.RULES):
            if name not in wb.sheetnames:
                source.problems.append(source.problem(f"缺少工作表「{name}」（请使用导入模板）", name))
            else:
                sheets[name] = _Sheet(wb[name], name, source)
    finally:
        wb.close()
    if len(sheets) < 4 or any(s.missing for s in sheets.values()):
        return source
    reader = _Reader(source)
    source.data = reader.info(sheets[L.INFO])
    reader.stars(sheets[L.STARS])
    reader.standards(sheets[L.STANDARDS])
    reader.rules(sheets[L.RULES])
    return source


class _Reader:
    def __init__(self, source: Source):
        self.source = source
        self.data: dict = {}
        self.star_index: dict[str, int] = {}
        self.standard_index: dict[str, tuple[int, int]] = {}
        self.dropped_standards: set[str] = set()

    def at(self, location: str, sheet: str, row: int, column: str | None) -> None:
        self.source.positions[location] = (sheet, row, column)

    def read(self, location, sheet, row, column, parser, value, *args):
        """parser(value, *args); on ValueError the problem is reported and None returned."""
        try:
            return parser(value, *args)
        except ValueError as exc:
            self.source.fail(location, str(exc), sheet, row, column)
            return None

    def info(self, sheet: _Sheet) -> dict:
        by_label = {label: key for key, label, _ in L.INFO_ROWS}
        values: dict = {}
        for number, record in sheet.rows:
            key = by_label.get(_clean_header(record.get("项目")))
            if key is None or key in values:
                continue
            self.at(key, L.INFO, number, "值")
            value = _cell_text(record.get("值"))
            values[key] = labels.parse_branch_type(value) if key == "branch_type" else value
        data = {k: values[k] for k, *_ in L.INFO_ROWS if values.get(k) is not None}
        data["stars"] = []
        self.data = data
        self.at("", L.INFO, None, None)
        self.at("stars", L.STARS, None, None)
        return data

    def stars(self, sheet: _Sheet) -> None:
        S = L.STARS
        for number, rec in sheet.rows:
            code = _cell_text(rec.get("代码"))
            if code in self.star_index:
                first = self.source.positions[f"stars[{self.star_index[code]}]"][1]
                self.source.problems.append(self.source.problem(f"星代码 {code} 重复（第 {first} 行已有）", S, number, "代码"))
                continue
            i = len(self.data["stars"])
            loc = f"stars[{i}]"
            star: dict = {"code": code, "name": _cell_text(rec.get("名称"))}
            for key, header in (("order", "顺序"), ("pass_ratio", "通过比例"), ("pass_score", "通过分")):
                value = self.read(f"{loc}.{key}", S, number, header, labels.parse_number, rec.get(header), header)
                if value is not None:
                    star[key] = value
            star["requires"] = labels.split_list(rec.get("依赖星"))
            star["standards"] = []
            for key, header in (("", "代码"), ("code", "代码"), ("name", "名称"), ("order", "顺序"), ("pass_ratio", "通过比例"),
                                ("pass_score", "通过分"), ("requires", "依赖星"), ("standards", "代码")):
                self.at(f"{loc}.{key}" if key else loc, S, number, header)
            if code is not None:
                self.star_index[code] = i
            self.data["stars"].append(star)

    def standards(self, sheet: _Sheet) -> None:
        S = L.STANDARDS
        for number, rec in sheet.rows:
            star_code, code = _cell_text(rec.get("星代码")), _cell_text(rec.get("标准代码"))
            if code in self.standard_index:
                i, j = self.standard_index[code]
                first = self.source.positions[f"stars[{i}].standards[{j}]"][1]
                self.source.problems.append(self.source.problem(f"标准代码 {code} 重复（第 {first} 行已有）", S, number, "标准代码"))
                continue
            if star_code not in self.star_index:
                what = f"星代码「{star_code}」在「星」工作表中不存在" if star_code else "缺少星代码"
                self.source.problems.append(self.source.problem(what, S, number, "星代码"))
                self.dropped_standards.add(code)
                continue
            i = self.star_index[star_code]
            standards = self.data["stars"][i]["standards"]
            j = len(standards)
            loc = f"stars[{i}].standards[{j}]"
            standards.append({"code": code, "name": _cell_text(rec.get("标准名称")), "rules": []})
            for key, header in (("", "标准代码"), ("code", "标准代码"), ("name", "标准名称"), ("rules", "标准代码")):
                self.at(f"{loc}.{key}" if key else loc, S, number, header)
            if code is not None:
                self.standard_index[code] = (i, j)

    def rules(self, sheet: _Sheet) -> None:
        S = L.RULES
        for number, rec in sheet.rows:
            standard = _cell_text(rec.get("标准代码"))
            if standard not in self.standard_index:
                if standard not in self.dropped_standards:
                    what = f"标准代码「{standard}」在「标准」工作表中不存在" if standard else "缺少标准代码"
                    self.source.problems.append(self.source.problem(what, S, number, "标准代码"))
                continue
            i, j = self.standard_index[standard]
            rules = self.data["stars"][i]["standards"][j]["rules"]
            loc = f"stars[{i}].standards[{j}].rules[{len(rules)}]"
            rules.append(self._rule(loc, number, rec))

    def _rule(self, loc: str, number: int, rec: dict) -> dict:
        S = L.RULES
        for key, header, _ in L.RULE_COLUMNS:
            self.at(f"{loc}.{key}", S, number, header)
        self.at(loc, S, number, "细则代码")
        self.at(f"{loc}.evidence", S, number, "佐证类型")
        rule: dict = {"code": _cell_text(rec.get("细则代码")), "text": _cell_text(rec.get("内容"))}
        kind_cell = rec.get("类型")
        if kind_cell is None or not str(kind_cell).strip():
            self.source.fail(f"{loc}.kind", "请填写类型（" + "、".join(L.KIND_CHOICES) + "）", S, number, "类型")
        rule["kind"] = self.read(f"{loc}.kind", S, number, "类型", labels.parse_kind, kind_cell)
        optional = (
            ("max", "分值", labels.parse_number), ("per_occurrence", "每次扣分", labels.parse_number),
            ("thresholds", "档次", None), ("unit", "单位", None), ("indicator", "关联指标", None),
        )
        for key, header, parser in optional:
            value = rec.get(header)
            if key == "thresholds":
                value = self.read(f"{loc}.{key}", S, number, header, labels.parse_thresholds, value)
            elif key == "unit":
                value = _cell_text(value)
            elif key == "indicator":
                value = labels.parse_indicator(value)
            else:
                value = self.read(f"{loc}.{key}", S, number, header, parser, value, header)
            if value is not None:
                rule[key] = value
        for key, header in (("required", "必达"), ("veto", "一票否决"), ("na_allowed", "可不适用")):
            if self.read(f"{loc}.{key}", S, number, header, labels.parse_flag, rec.get(header), header):
                rule[key] = True
        pass_mark = self.read(f"{loc}.pass_mark", S, number, "达标分", labels.parse_number, rec.get("达标分"), "达标分")
        if pass_mark is not None:
            rule["pass_mark"] = pass_mark
        evidence: dict = {}
        kinds = labels.parse_evidence_kinds(rec.get("佐证类型"))
        if kinds:
            evidence["kinds"] = kinds
        count = self.read(f"{loc}.evidence.min_count", S, number, "佐证数量", labels.parse_number, rec.get("佐证数量"), "佐证数量")
        if count is not None:
            evidence["min_count"] = count
        hint = _cell_text(rec.get("佐证说明"))
        if hint:
            evidence["hint"] = hint
        if evidence:
            rule["evidence"] = evidence
        return rule
