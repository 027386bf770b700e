"""Writes: computing a town's packs for a year, a reviewer's adjustment, the scoring settings. Every write is
attributed in the 操作记录 (AuditEvent) and adjustments are kept as rows of their own."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from fivestar.core.models import AuditEvent
from fivestar.orgs.models import Level

from . import metrics, scoring
from .access import can_review, review_level
from .models import Grade, ReviewAdjustment, ReviewPack, ReviewSettings


class ReviewError(Exception):
    """Refused; `message` is Chinese and says why, `status` is 400 (invalid) or 403 (authority)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


LEVEL_NAMES = {0: "系统管理员", 1: "省级", 2: "市级", 3: "县级", 4: "镇级"}


def check_year(year) -> int:
    try:
        year = int(str(year).strip())
    except (TypeError, ValueError):
        raise ReviewError("年度格式不正确，请填写四位数字年份，例如 2025。") from None
    if not 2000 <= year <= timezone.localdate().year:
        raise ReviewError(f"年度应在 2000 至 {timezone.localdate().year} 之间。")
    return year


def check_town(town):
    if town is None or town.level != Level.TOWN:
        raise ReviewError("述职考核按乡镇生成，请选择一个乡镇。")
    return town


# Settings ---------------------------------------------------------------------------------------------------------

def effective_settings(town) -> dict:
    """The town's weights and thresholds: its own, else its county's, else the defaults (1 query)."""
    rows = {r.unit_id: r for r in ReviewSettings.objects.filter(unit_id__in=[town.pk, town.parent_id]).select_related("unit")}
    row = rows.get(town.pk) or rows.get(town.parent_id)
    weights = dict(scoring.DEFAULT_WEIGHTS, **(row.weights if row else {}))
    thresholds = dict(scoring.DEFAULT_THRESHOLDS, **(row.thresholds if row else {}))
    source = f"{row.unit.display_name}的设置" if row else "默认设置"
    return {"weights": weights, "thresholds": thresholds, "source": source, "row": row}


def save_settings(user, unit, weights, thresholds) -> ReviewSettings:
    """A town's or a county's settings, checked whole before anything is saved; the county's only by the county."""
    if unit is None or unit.level not in (Level.TOWN, Level.COUNTY):
        raise ReviewError("述职考核设置只能按乡镇或县（区）设置。")
    if not can_review(user, unit):
        raise ReviewError(f"您无权修改「{unit.display_name}」的述职考核设置。", 403)
    weights = scoring.check_weights(weights)
    thresholds = scoring.check_thresholds(thresholds)
    with transaction.atomic():
        row = ReviewSettings.objects.select_for_update().filter(unit=unit).first() or ReviewSettings(unit=unit)
        before = {"weights": row.weights, "thresholds": row.thresholds}
        row.weights, row.thresholds, row.updated_by = weights, thresholds, user
        row.save()
        AuditEvent.objects.create(
            user=user, action=AuditEvent.Action.UPDATE, model="reviews.reviewsettings", model_label="述职考核设置",
            object_id=str(row.pk), object_repr=str(row)[:200], org_unit=unit,
            changes=[{"field": "权重", "old": str(before["weights"]), "new": str(weights)},
                     {"field": "等次分数线", "old": str(before["thresholds"]), "new": str(thresholds)}],
            summary="修改述职考核评分项目权重与等次分数线")
    return row


# Computing --------------------------------------------------------------------------------------------------------

def compute_town(user, town, year, *, check: bool = True) -> list[ReviewPack]:
    """(Re)compute every pack of the town for the year from the records; adjusted grades and comments stay. Queries
    are grouped for the whole town (no query per person); writes are one bulk create and one bulk update."""
    check_town(town)
    year = check_year(year)
    if check and not can_review(user, town):
        raise ReviewError(f"您无权生成「{town.display_name}」的述职考核材料。", 403)
    conf = effective_settings(town)
    figs = metrics.village_figures(town, year)
    names = dict(town.children.filter(pk__in=list(figs)).values_list("pk", "display_name"))
    now = timezone.now()
    rows = []
    for entry in metrics.people(town):
        f = metrics.aggregate(figs, entry["villages"])
        total, parts = scoring.score(f, conf["weights"])
        snapshot = {"figures": f, "points": {k: str(v) for k, v in parts.items()}, "weights": conf["weights"],
                    "thresholds": conf["thresholds"], "settings": conf["source"], "duties": entry["duties"],
                    "village_names": [names.get(v, "") for v in entry["villages"]],
                    "per_village": {names.get(v, str(v)): {k: figs[v][k] for k in ("held", "target", "gained", "lost", "problems",
                                                                                   "problems_closed_on_time", "tasks", "tasks_on_time",
                                                                                   "commitments_kept", "red_flags", "black_flags")}
                                    for v in entry["villages"] if v in figs}}
        rows.append((entry, total, scoring.grade(total, conf["thresholds"]), snapshot))
    with transaction.atomic():
        existing = {(p.person_id, p.kind): p for p in ReviewPack.objects.select_for_update().filter(town=town, year=year)}
        create, update = [], []
        for entry, total, grade, snapshot in rows:
            p = existing.pop((entry["person"].pk, entry["kind"]), None)
            if p is None:
                p = ReviewPack(town=town, year=year, person=entry["person"], kind=entry["kind"], grade=grade)
                create.append(p)
            else:
                if p.adjusted_level is None:  # a reviewer's grade stands over a recomputation
                    p.grade = grade
                p.version += 1
                update.append(p)
            p.person = entry["person"]  # already loaded: ranking reads its name without a query per pack
            p.org_unit = entry["unit"]
            p.villages = entry["villages"]
            p.snapshot, p.score, p.computed_grade, p.computed_at = snapshot, total, grade, now
        for kind in {r[0]["kind"] for r in rows}:
            ranked = sorted([p for p in create + update if p.kind == kind], key=lambda p: (-p.score, p.person.name, p.person_id))
            for i, p in enumerate(ranked):
                p.rank = i + 1 if i == 0 or p.score != ranked[i - 1].score else ranked[i - 1].rank
        ReviewPack.objects.bulk_create(create)
        ReviewPack.objects.bulk_update(update, ["org_unit", "villages", "snapshot", "score", "computed_grade", "grade", "rank",
                                                "computed_at", "version"])
        gone = [p.pk for p in existing.values()]  # no longer a secretary / no duty here: not reviewed this time
        if gone:
            ReviewPack.objects.filter(pk__in=gone, adjusted_level__isnull=True).delete()
        AuditEvent.objects.create(
            user=user, action=AuditEvent.Action.UPDATE if update else AuditEvent.Action.CREATE, model="reviews.reviewpack",
            model_label="述职考核材料", object_id=f"{town.code}-{year}", object_repr=f"{town.display_name}{year}年度述职考核材料",
            org_unit=town, summary=f"生成述职考核材料：新增 {len(create)} 份，更新 {len(update)} 份")
    return create + update


def adjust(user, pack: ReviewPack, grade: str, reason: str = "", comment: str = "", expected_version=None) -> ReviewPack:
    """A reviewer's comment and (optionally) another grade with its reason; kept as a ReviewAdjustment row."""
    level = review_level(user, pack.town)
    if level is None:
        raise ReviewError("您无权考核该述职材料：需要乡镇管理员及以上的权限。", 403)
    grade = (grade or "").strip() or pack.grade
    if grade not in Grade.values:
        raise ReviewError("等次应为：好、较好、一般、差。")
    reason, comment = (reason or "").strip(), (comment or "").strip()
    if len(reason) > 500:
        raise ReviewError("调整理由不能超过 500 字。")
    if len(comment) > 2000:
        raise ReviewError("考核意见不能超过 2000 字。")
    if grade != pack.computed_grade and grade != pack.grade and not reason:
        raise ReviewError("调整等次须填写调整理由。")
    if grade == pack.grade and not comment and not reason:
        raise ReviewError("请填写考核意见或调整等次。")
    with transaction.atomic():
        pack = ReviewPack.objects.select_for_update().select_related("town", "person").get(pk=pack.pk)
        if expected_version is not None and str(expected_version) != str(pack.version):
            raise ReviewError("该述职材料已被他人修改或重新计算，请刷新后再试。", 409)
        if pack.adjusted_level is not None and level > pack.adjusted_level and grade != pack.grade:
            raise ReviewError(f"该等次已由{LEVEL_NAMES.get(pack.adjusted_level, '上级')}调整，您不能更改。", 403)
        old = pack.grade
        ReviewAdjustment.objects.create(pack=pack, user=user, level=level, from_grade=old, to_grade=grade, reason=reason,
                                        comment=comment, score=pack.score)
        pack.grade = grade
        if comment:
            pack.comment = comment
        if grade != old:  # a comment alone leaves who set the grade as it was
            pack.adjusted_level = level if grade != pack.computed_grade else None
        pack.version += 1
        pack.save(update_fields=["grade", "comment", "adjusted_level", "version"])
        changes = [{"field": "等次", "old": old, "new": grade}] if old != grade else []
        AuditEvent.objects.create(
            user=user, action=AuditEvent.Action.UPDATE, model="reviews.reviewpack", model_label="述职考核材料",
            object_id=str(pack.pk), object_repr=str(pack)[:200], org_unit=pack.town, changes=changes,
            summary=(f"等次由「{old}」调整为「{grade}」：{reason}" if old != grade else "填写考核意见")[:300])
    return pack
