"""Differences between two framework versions: stars, standards and rules added, removed or changed.

Items are matched by their stable code; a changed item lists each field with a Chinese label and the
old and new values as text. Both inputs are compared in canonical form (see `canonical`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .canonical import canonical
from .engine.text import fmt
from .labels import branch_type_word, evidence_text, indicator_word, kind_word, thresholds_text, yes_no

META_FIELDS = (("name", "名称"), ("branch_type", "支部类型"), ("version", "版本"), ("issuer", "发布单位"))
STAR_FIELDS = (("name", "名称"), ("order", "顺序"), ("pass_ratio", "通过比例"), ("pass_score", "通过分"), ("requires", "依赖星"))
STANDARD_FIELDS = (("name", "名称"), ("star", "所属星"))
RULE_FIELDS = (
    ("text", "内容"), ("standard", "所属标准"), ("kind", "类型"), ("max", "分值"), ("per_occurrence", "每次扣分"),
    ("thresholds", "档次"), ("unit", "单位"), ("indicator", "关联指标"), ("required", "必达"), ("veto", "一票否决"),
    ("na_allowed", "可不适用"), ("pass_mark", "达标分"), ("evidence.kinds", "佐证类型"),
    ("evidence.min_count", "佐证数量"), ("evidence.hint", "佐证说明"),
)


@dataclass
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass
class Item:
    code: str
    label: str  # name of a star or standard, text of a rule
    parent: str = ""  # star code of a standard, standard code of a rule


@dataclass
class ChangedItem(Item):
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class Section:
    added: list[Item] = field(default_factory=list)
    removed: list[Item] = field(default_factory=list)
    changed: list[ChangedItem] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.added) + len(self.removed) + len(self.changed)


@dataclass
class FrameworkDiff:
    meta: list[FieldChange]
    stars: Section
    standards: Section
    rules: Section

    @property
    def is_empty(self) -> bool:
        return not (self.meta or self.stars or self.standards or self.rules)

    def counts(self) -> dict:
        return {name: {k: len(getattr(getattr(self, name), k)) for k in ("added", "removed", "changed")}
                for name in ("stars", "standards", "rules")}

    def to_dict(self) -> dict:
        return asdict(self)

    def as_text(self) -> str:
        lines = []
        for c in self.meta:
            lines.append(f"~ 基本信息 {c.label}：{c.old} → {c.new}")
        for name, title in (("stars", "星"), ("standards", "标准"), ("rules", "细则")):
            section = getattr(self, name)
            lines += [f"+ {title} {i.code} {i.label}" for i in section.added]
            lines += [f"- {title} {i.code} {i.label}" for i in section.removed]
            for i in section.changed:
                lines.append(f"~ {title} {i.code} {i.label}")
                lines += [f"    {c.label}：{c.old} → {c.new}" for c in i.changes]
        return "\n".join(lines) if lines else "两个版本内容相同"


def _show(key: str, value) -> str:
    if value is None or value == [] or value == "":
        return "（无）"
    if key in ("required", "veto", "na_allowed"):
        return yes_no(value)
    if key == "kind":
        return kind_word(value)
    if key == "thresholds":
        return thresholds_text(value)
    if key == "indicator":
        return indicator_word(value)
    if key == "evidence.kinds":
        return evidence_text(value)
    if key == "branch_type":
        return branch_type_word(value)
    if key == "requires":
        return "、".join(value)
    if key == "pass_ratio":
        return f"{fmt(value * 100)}%"
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, (int, float)):
        return fmt(value) if abs(value - round(value, 2)) < 1e-9 else repr(value)
    return str(value)


def _get(item: dict, key: str):
    if key.startswith("evidence."):
        return (item.get("evidence") or {}).get(key.split(".", 1)[1])
    if key in ("required", "veto", "na_allowed"):
        return bool(item.get(key))
    if key == "pass_mark":
        return item.get("pass_mark", item.get("max"))
    return item.get(key)


def _changes(old: dict, new: dict, fields) -> list[FieldChange]:
    out = []
    for key, label in fields:
        a, b = _get(old, key), _get(new, key)
        if a != b:
            out.append(FieldChange(key, label, _show(key, a), _show(key, b)))
    return out


def _index(data: dict):
    stars, standards, rules = {}, {}, {}
    for star in data.get("stars") or []:
        stars[star["code"]] = star
        for sd in star.get("standards") or []:
            standards[sd["code"]] = {**sd, "star": star["code"]}
            for rule in sd.get("rules") or []:
                rules[rule["code"]] = {**rule, "standard": sd["code"]}
    return stars, standards, rules


def _section(old: dict, new: dict, fields, label_key: str, parent_key: str | None) -> Section:
    section = Section()
    for code, item in new.items():
        parent = item.get(parent_key, "") if parent_key else ""
        if code not in old:
            section.added.append(Item(code, item.get(label_key) or "", parent))
        else:
            changes = _changes(old[code], item, fields)
            if changes:
                section.changed.append(ChangedItem(code, item.get(label_key) or "", parent, changes))
    for code, item in old.items():
        if code not in new:
            section.removed.append(Item(code, item.get(label_key) or "", item.get(parent_key, "") if parent_key else ""))
    return section


def diff(data_a: dict, data_b: dict) -> FrameworkDiff:
    """What changed from version A (old) to version B (new)."""
    a, b = canonical(data_a), canonical(data_b)
    sa, sda, ra = _index(a)
    sb, sdb, rb = _index(b)
    return FrameworkDiff(
        meta=_changes(a, b, META_FIELDS),
        stars=_section(sa, sb, STAR_FIELDS, "name", None),
        standards=_section(sda, sdb, STANDARD_FIELDS, "name", "star"),
        rules=_section(ra, rb, RULE_FIELDS, "text", "standard"),
    )
