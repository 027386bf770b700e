"""Reads of framework versions, and who may manage them.

Published and archived versions are public documents: every signed-in user reads them. A draft is visible
only to the scope that owns it and above (users whose grants cover its org unit; for a draft with no org
unit, which would apply province-wide, superusers and 系统管理员 only). Managing a version (edit, publish,
copy, archive) needs MANAGE_STANDARDS over its org unit; a version with no org unit applies above every
county, so only superusers and 系统管理员 manage it. Services check these, so pages and the API inherit them.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from fivestar.core.roles import Action, Role
from fivestar.core.scoping import covers, is_global, scope_q, user_grants
from fivestar.orgs.models import OrgUnit

from .engine import KNOWN_INDICATORS
from .engine.text import fmt
from .labels import evidence_labels, kind_word, points_text
from .models import FrameworkVersion


def versions():
    return FrameworkVersion.objects.select_related("org_unit", "based_on").order_by("branch_type", "-created_at", "-id")


def visible_versions(user):
    """Every published or archived version, and the drafts of `user`'s scope (see the module docstring).
    `user` None is the system (command line)."""
    qs = versions()
    if user is None or is_global(user):
        return qs
    drafts = scope_q(user, Action.VIEW, "org_unit__")
    if getattr(user, "is_authenticated", False) and may_leave_unscoped(user):
        drafts |= Q(org_unit__isnull=True)
    return qs.filter(~Q(status=FrameworkVersion.Status.DRAFT) | drafts)


def _pk(pk) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise Http404("创建标准版本不存在") from None


def may_read(user, version: FrameworkVersion) -> bool:
    """`visible_versions` for one loaded version, without a query for published ones."""
    if version.status != FrameworkVersion.Status.DRAFT or user is None or is_global(user):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if version.org_unit_id is None:
        return may_leave_unscoped(user)
    return covers(user, version.org_unit, Action.VIEW)


def get_version(user, pk) -> FrameworkVersion:
    """A version `user` may read (404 for a draft outside their scope, as for one that does not exist)."""
    version = versions().filter(pk=_pk(pk)).first()
    if version is None or not may_read(user, version):
        raise Http404("创建标准版本不存在")
    return version


def get_by_code(user, code: str) -> FrameworkVersion:
    version = versions().filter(code=code).first()
    if version is None or not may_read(user, version):
        raise Http404(f"创建标准版本 {code} 不存在")
    return version


def can_manage_scope(user, org_unit: OrgUnit | None) -> bool:
    """Whether `user` may manage a version scoped to `org_unit` (None: every unit). `user` None is the system."""
    if user is None:
        return True
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if is_global(user):
        return True
    if org_unit is None:
        return may_leave_unscoped(user)
    return covers(user, org_unit, Action.MANAGE_STANDARDS)


def can_manage(user, version: FrameworkVersion) -> bool:
    return can_manage_scope(user, version.org_unit)


def can_import(user) -> bool:
    """Whether `user` may import a version for some scope (any MANAGE_STANDARDS grant)."""
    if user is None:
        return True
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return is_global(user) or bool(user_grants(user, Action.MANAGE_STANDARDS))


def may_leave_unscoped(user) -> bool:
    """Superusers and 系统管理员 may import a version for every unit (no org unit); cached on the user object."""
    if is_global(user):
        return True
    if "_fivestar_sysadmin" not in user.__dict__:
        user.__dict__["_fivestar_sysadmin"] = user.role_assignments.filter(role=Role.SYSADMIN, active=True).exists()
    return user.__dict__["_fivestar_sysadmin"]


def manageable_version_or_404(user, pk) -> FrameworkVersion:
    version = get_version(user, pk)
    if not can_manage(user, version):
        raise Http404("创建标准版本不存在或您无权管理")
    return version


def scope_choices(user) -> list[OrgUnit]:
    """Org units a user may give a new version as its scope (their MANAGE_STANDARDS grants)."""
    if user is None or is_global(user):
        return list(OrgUnit.objects.filter(level__lte=3).order_by("path")[:50])
    paths = [path for path, area in user_grants(user, Action.MANAGE_STANDARDS) if path and not area]
    return list(OrgUnit.objects.filter(path__in=paths).order_by("path"))


def browser_tree(version: FrameworkVersion) -> list[dict]:
    """Stars → standards → rules for the browser page, with Chinese labels and totals (no queries)."""
    data = version.data
    names = {s["code"]: s["name"] for s in data.get("stars") or []}
    stars = []
    for star in data.get("stars") or []:
        standards, star_max, star_rules = [], 0, 0
        for sd in star.get("standards") or []:
            rules = [_rule_view(r) for r in sd.get("rules") or []]
            sd_max = sum(r["max"] for r in sd.get("rules") or [])
            star_max += sd_max
            star_rules += len(rules)
            standards.append({"code": sd["code"], "name": sd["name"], "rules": rules, "max": fmt(sd_max)})
        stars.append({
            "code": star["code"], "name": star["name"], "order": star.get("order"),
            "standards": standards, "max": fmt(star_max), "rule_count": star_rules,
            "pass_text": _pass_text(star, star_max),
            "requires": [names.get(c, c) for c in star.get("requires") or []],
        })
    return stars


def _pass_text(star: dict, star_max) -> str:
    parts = []
    if star.get("pass_ratio") is not None:
        parts.append(f"达到适用满分的 {fmt(star['pass_ratio'] * 100)}%")
    if star.get("pass_score") is not None:
        parts.append(f"得分不低于 {fmt(star['pass_score'])} 分")
    if not parts:
        return "须得满分"
    return "，且".join(parts) + f"（满分 {fmt(star_max)} 分，即 {fmt(_mark(star, star_max))} 分）"


def _mark(star: dict, star_max) -> float:
    marks = []
    if star.get("pass_ratio") is not None:
        marks.append(star["pass_ratio"] * star_max)
    if star.get("pass_score") is not None:
        marks.append(star["pass_score"])
    return max(marks) if marks else star_max


def _rule_view(rule: dict) -> dict:
    ev = rule.get("evidence") or {}
    indicator = rule.get("indicator")
    return {
        "code": rule["code"], "text": rule["text"], "kind": rule["kind"], "kind_label": kind_word(rule["kind"]),
        "max": fmt(rule["max"]), "points": points_text(rule),
        "required": bool(rule.get("required")), "veto": bool(rule.get("veto")), "na_allowed": bool(rule.get("na_allowed")),
        "pass_mark": fmt(rule["pass_mark"]) if rule.get("pass_mark") is not None else None,
        "indicator": KNOWN_INDICATORS[indicator][0] if indicator in KNOWN_INDICATORS else indicator,
        "evidence_kinds": evidence_labels(ev.get("kinds")), "evidence_count": ev.get("min_count"),
        "evidence_hint": ev.get("hint") or "",
        "search": " ".join([rule["code"], rule["text"], ev.get("hint") or "", kind_word(rule["kind"])]).lower(),
    }
