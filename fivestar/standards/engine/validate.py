"""Validation of YAML-shaped framework data: collects every problem, not just the first."""

from __future__ import annotations

from .errors import FrameworkError
from .graph import find_cycles
from .text import (
    EPS,
    BRANCH_TYPES,
    CODE_RE,
    EVIDENCE_KINDS,
    KINDS,
    KNOWN_INDICATORS,
    fmt,
    is_number,
)

TOP_KEYS = {"code", "name", "branch_type", "version", "issuer", "stars"}
STAR_KEYS = {"code", "name", "order", "pass_ratio", "pass_score", "requires", "standards"}
STANDARD_KEYS = {"code", "name", "rules"}
RULE_KEYS = {
    "code", "text", "kind", "max", "per_occurrence", "thresholds", "unit", "indicator",
    "required", "veto", "na_allowed", "pass_mark", "evidence",
}
EVIDENCE_KEYS = {"kinds", "min_count", "hint"}


def validate_framework(data: dict) -> list[FrameworkError]:
    """Every problem found in `data` (empty list when the framework is valid)."""
    return _Validator().run(data)


class _Validator:
    def __init__(self) -> None:
        self.errors: list[FrameworkError] = []
        self.codes: dict[str, str] = {}  # code -> location of its first use

    def err(self, location: str, message: str, code: str | None = None) -> None:
        self.errors.append(FrameworkError(location, message, code if isinstance(code, str) else None))

    @staticmethod
    def at(loc: str, key: str) -> str:
        return f"{loc}.{key}" if loc else key

    # -- helpers ---------------------------------------------------------------------------

    def mapping(self, value: object, loc: str, what: str) -> bool:
        if not isinstance(value, dict):
            self.err(loc, f"{what}必须是映射（键值对）")
            return False
        return True

    def unknown_keys(self, item: dict, allowed: set[str], loc: str, code: str | None) -> None:
        for key in sorted(set(item) - allowed, key=str):
            self.err(self.at(loc, str(key)), f"未知字段 {key}", code)

    def code_of(self, item: dict, loc: str, what: str) -> str | None:
        """Check an item's code (present, well-formed, unique); return it when usable."""
        code = item.get("code")
        if code is None or code == "":
            self.err(self.at(loc, "code"), f"缺少{what}编码 code")
            return None
        if not isinstance(code, str) or not CODE_RE.match(code):
            self.err(self.at(loc, "code"), f"编码 {code!r} 格式不正确，只能使用小写字母、数字和连字符")
            return None
        if code in self.codes:
            self.err(self.at(loc, "code"), f"编码 {code} 重复（已用于 {self.codes[code]}）", code)
        else:
            self.codes[code] = loc
        return code

    def text(self, item: dict, key: str, loc: str, code: str | None, label: str) -> None:
        value = item.get(key)
        if not isinstance(value, str) or not value.strip():
            self.err(self.at(loc, key), f"缺少{label} {key}", code)

    def items(self, item: dict, key: str, loc: str, code: str | None, label: str) -> list:
        value = item.get(key)
        if not isinstance(value, list) or not value:
            self.err(self.at(loc, key), f"{label} {key} 必须是非空列表", code)
            return []
        return value

    def flag(self, item: dict, key: str, loc: str, code: str | None) -> None:
        value = item.get(key)
        if value is not None and type(value) is not bool:
            self.err(f"{loc}.{key}", f"{key} 必须是 true 或 false", code)

    # -- levels ----------------------------------------------------------------------------

    def run(self, data: object) -> list[FrameworkError]:
        if not self.mapping(data, "", "创建标准框架"):
            return self.errors
        self.unknown_keys(data, TOP_KEYS, "", None)
        code = self.code_of(data, "", "框架")
        self.text(data, "name", "", code, "框架名称")
        bt = data.get("branch_type")
        if bt not in BRANCH_TYPES:
            choices = "、".join(f"{k}（{v}）" for k, v in BRANCH_TYPES.items())
            self.err("branch_type", f"未知的支部类型 {bt!r}，应为 {choices}", code)
        for key in ("version", "issuer"):
            value = data.get(key)
            if value is not None and not isinstance(value, (str, int, float)):
                self.err(key, f"{key} 必须是文本", code)
        stars = self.items(data, "stars", "", code, "星级列表")
        graph: dict[str, list[str]] = {}
        requires_at: list[tuple[str, str, list]] = []
        orders: dict[int, str] = {}
        for i, star in enumerate(stars):
            loc = f"stars[{i}]"
            if not self.mapping(star, loc, "星级"):
                continue
            scode = self.star(star, loc, orders)
            reqs = star.get("requires")
            if reqs is None:
                reqs = []
            elif not isinstance(reqs, list) or not all(isinstance(r, str) for r in reqs):
                self.err(f"{loc}.requires", "依赖 requires 必须是星级编码列表", scode)
                reqs = []
            if scode is not None and scode not in graph:
                graph[scode] = []
                requires_at.append((scode, loc, reqs))
        self.dependencies(graph, requires_at)
        return self.errors

    def star(self, star: dict, loc: str, orders: dict[int, str]) -> str | None:
        self.unknown_keys(star, STAR_KEYS, loc, star.get("code"))
        code = self.code_of(star, loc, "星级")
        self.text(star, "name", loc, code, "星级名称")
        order = star.get("order")
        if order is not None:
            if type(order) is not int:
                self.err(f"{loc}.order", "排序 order 必须是整数", code)
            elif order in orders:
                self.err(f"{loc}.order", f"排序 order {order} 与 {orders[order]} 重复", code)
            else:
                orders[order] = loc
        ratio = star.get("pass_ratio")
        if ratio is not None and (not is_number(ratio) or not 0 < ratio <= 1):
            self.err(f"{loc}.pass_ratio", f"通过比例 pass_ratio 必须大于 0 且不超过 1（现为 {ratio!r}）", code)
        total = 0.0
        for j, std in enumerate(self.items(star, "standards", loc, code, "创建标准")):
            total += self.standard(std, f"{loc}.standards[{j}]")
        score = star.get("pass_score")
        if score is not None:
            if not is_number(score) or score < 0:
                self.err(f"{loc}.pass_score", f"通过分 pass_score 必须是非负数（现为 {score!r}）", code)
            elif score > total:
                self.err(f"{loc}.pass_score", f"通过分 {fmt(score)} 超过该星满分 {fmt(total)}", code)
        return code

    def standard(self, std: object, loc: str) -> float:
        """Validate a standard; return the sum of its valid rule maximums."""
        if not self.mapping(std, loc, "创建标准"):
            return 0.0
        self.unknown_keys(std, STANDARD_KEYS, loc, std.get("code"))
        code = self.code_of(std, loc, "创建标准")
        self.text(std, "name", loc, code, "标准名称")
        rules = self.items(std, "rules", loc, code, "实施细则")
        return sum(self.rule(rule, f"{loc}.rules[{k}]") for k, rule in enumerate(rules))

    def rule(self, rule: object, loc: str) -> float:
        """Validate a rule; return its maximum when valid (else 0)."""
        if not self.mapping(rule, loc, "实施细则"):
            return 0.0
        self.unknown_keys(rule, RULE_KEYS, loc, rule.get("code"))
        code = self.code_of(rule, loc, "细则")
        self.text(rule, "text", loc, code, "细则内容")
        kind = rule.get("kind")
        if kind not in KINDS:
            names = "、".join(KINDS)
            self.err(f"{loc}.kind", f"未知的细则类型 {kind!r}，应为 {names} 之一", code)
        mx = rule.get("max")
        if mx is None:
            self.err(f"{loc}.max", "缺少满分 max", code)
            mx = None
        elif not is_number(mx) or mx <= 0:
            self.err(f"{loc}.max", f"满分 max 必须是大于 0 的数（现为 {mx!r}）", code)
            mx = None
        for key in ("required", "veto", "na_allowed"):
            self.flag(rule, key, loc, code)
        self.kind_fields(rule, kind, mx, loc, code)
        self.pass_mark(rule, kind, mx, loc, code)
        if rule.get("evidence") is not None:
            self.evidence(rule["evidence"], f"{loc}.evidence", code)
        return float(mx) if mx is not None else 0.0

    def kind_fields(self, rule: dict, kind: object, mx, loc: str, code) -> None:
        per = rule.get("per_occurrence")
        if kind == "deduction":
            if per is None:
                self.err(f"{loc}.per_occurrence", "扣分项必须设置每次扣分 per_occurrence", code)
            elif not is_number(per) or per <= 0:
                self.err(f"{loc}.per_occurrence", f"每次扣分 per_occurrence 必须大于 0（现为 {per!r}）", code)
        elif per is not None:
            self.err(f"{loc}.per_occurrence", "只有扣分项（deduction）可以设置 per_occurrence", code)
        for key in ("thresholds", "unit", "indicator"):
            if kind != "metric" and rule.get(key) is not None:
                self.err(f"{loc}.{key}", f"只有指标项（metric）可以设置 {key}", code)
        if kind != "metric":
            return
        unit = rule.get("unit")
        if unit is not None and not isinstance(unit, str):
            self.err(f"{loc}.unit", "单位 unit 必须是文本", code)
        ind = rule.get("indicator")
        if ind is not None and ind not in KNOWN_INDICATORS:
            known = "、".join(f"{k}（{v[0]}）" for k, v in KNOWN_INDICATORS.items())
            self.err(f"{loc}.indicator", f"未知的指标 {ind!r}，可用指标：{known}", code)
        self.thresholds(rule.get("thresholds"), mx, f"{loc}.thresholds", code)

    def thresholds(self, tiers: object, mx, loc: str, code) -> None:
        if not isinstance(tiers, list) or not tiers:
            self.err(loc, "指标项必须设置分档 thresholds（非空列表）", code)
            return
        prev_min = prev_pts = None
        for i, tier in enumerate(tiers):
            tloc = f"{loc}[{i}]"
            if not isinstance(tier, dict) or set(tier) != {"min", "points"}:
                self.err(tloc, "分档必须且只能包含 min 和 points", code)
                prev_min = prev_pts = None
                continue
            tmin, pts = tier["min"], tier["points"]
            if not is_number(tmin):
                self.err(f"{tloc}.min", f"分档下限 min 必须是数值（现为 {tmin!r}）", code)
                tmin = None
            elif prev_min is not None and tmin <= prev_min:
                self.err(f"{tloc}.min", f"分档下限必须严格递增（{fmt(tmin)} 不大于上一档 {fmt(prev_min)}）", code)
            if not is_number(pts) or pts < 0:
                self.err(f"{tloc}.points", f"分档得分 points 必须是非负数（现为 {pts!r}）", code)
                pts = None
            else:
                if mx is not None and pts > mx:
                    self.err(f"{tloc}.points", f"分档得分 {fmt(pts)} 超过满分 {fmt(mx)}", code)
                if prev_pts is not None and pts < prev_pts:
                    self.err(f"{tloc}.points", f"分档得分不能递减（{fmt(pts)} 小于上一档 {fmt(prev_pts)}）", code)
            prev_min = tmin if tmin is not None else prev_min
            prev_pts = pts if pts is not None else prev_pts
        if mx is not None and prev_pts is not None and prev_pts + EPS < mx:
            self.err(loc, f"最高档得分 {fmt(prev_pts)} 低于满分 {fmt(mx)}，该细则永远得不到满分", code)

    def pass_mark(self, rule: dict, kind: object, mx, loc: str, code) -> None:
        pm = rule.get("pass_mark")
        if pm is not None:
            if not is_number(pm) or pm < 0:
                self.err(f"{loc}.pass_mark", f"达标分 pass_mark 必须是非负数（现为 {pm!r}）", code)
                return
            if mx is not None and pm > mx:
                self.err(f"{loc}.pass_mark", f"达标分 {fmt(pm)} 超过满分 {fmt(mx)}", code)
                return
            if pm == 0 and (rule.get("required") is True or rule.get("veto") is True):
                label = "必达细则" if rule.get("required") is True else "一票否决细则"
                self.err(f"{loc}.pass_mark", f"{label}的达标分不能为 0（为 0 等于没有要求）", code)
                return
        elif rule.get("required") is True or rule.get("veto") is True:
            pm = mx  # the default pass mark matters for required and veto rules
        if pm is None or kind != "metric" or not isinstance(rule.get("thresholds"), list):
            return
        pts = [t.get("points") for t in rule["thresholds"] if isinstance(t, dict)]
        top = max((p for p in pts if is_number(p)), default=None)
        if top is not None and pm > top:
            self.err(f"{loc}.pass_mark", f"达标分 {fmt(pm)} 高于最高档得分 {fmt(top)}，无法达到", code)

    def evidence(self, ev: object, loc: str, code) -> None:
        if not self.mapping(ev, loc, "佐证要求 evidence "):
            return
        self.unknown_keys(ev, EVIDENCE_KEYS, loc, code)
        kinds = ev.get("kinds", [])
        if not isinstance(kinds, list):
            self.err(f"{loc}.kinds", "佐证类型 kinds 必须是列表", code)
            kinds = []
        for i, k in enumerate(kinds):
            if k not in EVIDENCE_KINDS:
                known = "、".join(f"{a}（{b}）" for a, b in EVIDENCE_KINDS.items())
                self.err(f"{loc}.kinds[{i}]", f"未知的佐证类型 {k!r}，应为 {known}", code)
        mc = ev.get("min_count")
        if mc is not None and (type(mc) is not int or mc < 0):
            self.err(f"{loc}.min_count", f"最少佐证数 min_count 必须是非负整数（现为 {mc!r}）", code)
        hint = ev.get("hint")
        if hint is not None and not isinstance(hint, str):
            self.err(f"{loc}.hint", "佐证说明 hint 必须是文本", code)

    def dependencies(self, graph: dict[str, list[str]], requires_at: list) -> None:
        for scode, loc, reqs in requires_at:
            seen: set[str] = set()
            for i, req in enumerate(reqs):
                rloc = f"{loc}.requires[{i}]"
                if req in seen:
                    self.err(rloc, f"依赖星级 {req} 重复", scode)
                elif req not in graph:
                    self.err(rloc, f"依赖了未知的星级 {req!r}", scode)
                else:
                    graph[scode].append(req)
                seen.add(req)
        for cycle in find_cycles(graph):
            first = cycle[0]
            loc = next(loc for c, loc, _ in requires_at if c == first)
            self.err(f"{loc}.requires", "星级依赖存在循环：" + " → ".join(cycle), first)
