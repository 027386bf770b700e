"""Red and black flag rounds: the town proposes (inputs read in a fixed number of queries), confirms, publishes.
Publishing marks a village black-flagged in two consecutive published rounds for the town's attention."""

import datetime

from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from fivestar.core import board_marks
from fivestar.core.roles import Role
from fivestar.core.text import clean_text
from fivestar.inbox.services import notify
from fivestar.orgs.models import Level, OrgUnit
from fivestar.people.models import RoleAssignment
from fivestar.rating.models import Assessment
from fivestar.supervision.models import Problem

from ..models import FlagEntry, FlagEvent, FlagPeriod, FlagRound, ObservationEvent, RankingEntry
from .access import can_manage
from .errors import ObservationError
from .flag_rules import composite, inspection_score, select_flags, with_town_averages
from .town_settings import clean_weights, settings_for, weights_of

STAR = "stjy"


def period_bounds(day: datetime.date, period: str) -> tuple[datetime.date, datetime.date]:
    if period == FlagPeriod.QUARTER:
        start = day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
        months = 3
    else:
        start, months = day.replace(day=1), 1
    month = start.month + months
    nxt = start.replace(year=start.year + (month - 1) // 12, month=(month - 1) % 12 + 1)
    return start, nxt - datetime.timedelta(days=1)


def gather_inputs(town, start, end) -> list[dict]:
    """One row per active village of the town with its three inputs (4 queries)."""
    villages = list(OrgUnit.objects.filter(path__startswith=town.path, level=Level.VILLAGE, active=True).order_by("code").values_list("id", "code", "display_name"))
    ids = [v[0] for v in villages]
    problems = dict(Problem.objects.filter(org_unit_id__in=ids, star_code=STAR, found_on__range=(start, end))
                    .values("org_unit_id").annotate(n=Count("id")).values_list("org_unit_id", "n"))
    observed = {}
    for village_id, score in (RankingEntry.objects.filter(village_id__in=ids, event__status=ObservationEvent.Status.PUBLISHED,
                                                          event__date__lte=end, event__date__year=end.year, score__isnull=False)
                              .order_by("event__date", "event_id").values_list("village_id", "score")):
        observed[village_id] = score
    rules = {}
    for village_id, scores in (Assessment.objects.filter(org_unit_id__in=ids, round__year=end.year)
                               .order_by("round__period_start", "round_id").values_list("org_unit_id", "star_scores")):
        star = (scores or {}).get(STAR) or {}
        if star.get("max"):
            rules[village_id] = round(float(star.get("score") or 0) / float(star["max"]) * 100, 2)
    return [{"village_id": pk, "code": code, "name": name, "problems": problems.get(pk, 0),
             "inspection": inspection_score(problems.get(pk, 0)), "observation": observed.get(pk), "rules": rules.get(pk)}
            for pk, code, name in villages]


def propose_flags(user, town, day: datetime.date, *, weights=None, red_count=None, black_count=None) -> FlagRound:
    """The proposal for the period holding `day` (replacing an unconfirmed one)."""
    if town is None or town.level != Level.TOWN:
        raise ObservationError("红黑旗按乡镇评选。")
    if not can_manage(user, town):
        raise ObservationError(f"您无权评选「{town.display_name}」的红黑旗。")
    row = settings_for(town)
    start, end = period_bounds(day, row.flag_period)
    if start > timezone.localdate():
        raise ObservationError("评选周期尚未开始。")
    weights = clean_weights(weights) if weights is not None else weights_of(row)
    red = row.red_count if red_count is None else int(red_count)
    black = row.black_count if black_count is None else int(black_count)
    inputs = gather_inputs(town, start, end)
    available = {"inspection"} | {k for k in ("observation", "rules") if any(r[k] is not None for r in inputs)}
    for r, scored in zip(inputs, with_town_averages(inputs)):
        r["score"] = composite(scored, weights, available)
    ranked = select_flags(inputs, red, black)
    with transaction.atomic():
        rnd = FlagRound.objects.select_for_update().filter(town=town, period_start=start).first()
        if rnd is not None and rnd.status != FlagRound.Status.PROPOSED:
            raise ObservationError(f"{rnd.period_label}的红黑旗已{rnd.get_status_display()}，不能重新评选。")
        # A new proposal of the same period replaces the entries (and any hand edits) but keeps the round and its
        # events, so who proposed and changed what stays on record.
        redone = rnd is not None
        if rnd is None:
            rnd = FlagRound(town=town, period_start=start)
        else:
            rnd.entries.all().delete()
        rnd.period, rnd.period_end, rnd.weights, rnd.red_count, rnd.black_count = row.flag_period, end, weights, red, black
        rnd.proposed_by, rnd.proposed_at = user, timezone.now()
        rnd._history_user = user
        rnd.save()
        FlagEntry.objects.bulk_create([
            FlagEntry(round=rnd, village_id=r["village_id"], score=r["score"], rank=r["rank"], flag=r["flag"], proposed_flag=r["flag"],
                      problems=r["problems"], observation_score=r["observation"], rules_ratio=r["rules"]) for r in ranked])
        reds, blacks = sum(r["flag"] == "red" for r in ranked), sum(r["flag"] == "black" for r in ranked)
        log(rnd, user, FlagEvent.Action.PROPOSE, f"{'重新' if redone else ''}生成评选建议：红旗 {reds} 个、黑旗 {blacks} 个"
            + ("（此前的手工调整已清除）" if redone else ""))
    return rnd


def log(rnd, user, action, detail="", village=None) -> None:
    FlagEvent.objects.create(round=rnd, user=user if getattr(user, "pk", None) else None, action=action, village=village,
                             detail=detail[:500])


FLAG_NAMES = {"red": "红旗", "black": "黑旗", "": "不授旗"}


def adjust_flag(user, rnd, village, flag: str, reason: str) -> FlagEntry:
    """The town changes one village's proposed flag by hand before confirming, with its reason (recorded as an event;
    the rules' proposal is kept beside it). Setting it back to the proposal is an adjustment too, with its reason."""
    if not can_manage(user, rnd.town):
        raise ObservationError(f"您无权调整「{rnd.town.display_name}」的红黑旗。")
    flag = "" if flag in (None, "none") else flag
    if flag not in FLAG_NAMES:
        raise ObservationError("旗帜只能是红旗、黑旗或不授旗。")
    reason = clean_text(str(reason or ""), multiline=False).strip()
    if len(reason) < 2:
        raise ObservationError("请填写调整原因（至少 2 个字）。")
    if len(reason) > 200:
        raise ObservationError("调整原因不能超过 200 字。")
    with transaction.atomic():
        current = FlagRound.objects.select_for_update().select_related("town").get(pk=rnd.pk)
        if current.status != FlagRound.Status.PROPOSED:
            raise ObservationError(f"{current.period_label}的红黑旗已{current.get_status_display()}，不能再调整。")
        entry = (FlagEntry.objects.select_for_update(of=("self",)).select_related("village")
                 .filter(round=current, village=village).first() if village is not None else None)
        if entry is None:
            raise ObservationError("该村（社区）不在本次评选中。")
        if entry.flag == flag:
            raise ObservationError(f"「{entry.village.display_name}」已是{FLAG_NAMES[flag]}，无需调整。")
        old = entry.flag
        entry.flag, entry.adjusted_by, entry.adjusted_at = flag, user, timezone.now()
        entry.adjusted_reason = reason if flag != entry.proposed_flag else ""
        entry.save(update_fields=["flag", "adjusted_reason", "adjusted_by", "adjusted_at"])
        log(current, user, FlagEvent.Action.ADJUST, f"「{entry.village.display_name}」由{FLAG_NAMES[old]}改为{FLAG_NAMES[flag]}"
            f"（评选建议：{FLAG_NAMES[entry.proposed_flag]}）；原因：{reason}", village=entry.village)
    return entry


def _step(user, rnd, expected, new, verb):
    if not can_manage(user, rnd.town):
        raise ObservationError(f"您无权{verb}「{rnd.town.display_name}」的红黑旗。")
    rnd = FlagRound.objects.select_for_update().select_related("town").get(pk=rnd.pk)
    if rnd.status != expected:
        raise ObservationError(f"{rnd.period_label}的红黑旗当前为「{rnd.get_status_display()}」，不能{verb}。")
    rnd.status = new
    return rnd


def confirm_flags(user, rnd) -> FlagRound:
    with transaction.atomic():
        rnd = _step(user, rnd, FlagRound.Status.PROPOSED, FlagRound.Status.CONFIRMED, "确认")
        rnd.confirmed_by, rnd.confirmed_at = user, timezone.now()
        rnd._history_user = user
        rnd.save()
        adjusted = rnd.entries.exclude(flag=F("proposed_flag")).count()
        log(rnd, user, FlagEvent.Action.CONFIRM, "确认评选结果" + (f"（含手工调整 {adjusted} 个村）" if adjusted else ""))
    return rnd


def publish_flags(user, rnd) -> FlagRound:
    with transaction.atomic():
        rnd = _step(user, rnd, FlagRound.Status.CONFIRMED, FlagRound.Status.PUBLISHED, "发布")
        rnd.published_by, rnd.published_at = user, timezone.now()
        rnd._history_user = user
        rnd.save()
        log(rnd, user, FlagEvent.Action.PUBLISH, "发布红黑旗")
        previous = (FlagRound.objects.filter(town=rnd.town, status=FlagRound.Status.PUBLISHED, period_start__lt=rnd.period_start)
                    .order_by("-period_start").first())
        before = set(previous.entries.filter(flag="black").values_list("village_id", flat=True)) if previous else set()
        twice = list(rnd.entries.filter(flag="black", village_id__in=before).select_related("village"))
        FlagEntry.objects.filter(pk__in=[e.pk for e in twice]).update(attention=True)
        board_marks.towns_moved([rnd.town_id])  # the town's board shows this month's flags
    if twice:
        admins = [a.user for a in RoleAssignment.objects.filter(role=Role.TOWN_ADMIN, org_unit=rnd.town, active=True).select_related("user")]
        for entry in twice:
            notify(admins, "flags", f"{entry.village.display_name}连续两次获黑旗", f"{rnd.period_label}再次获黑旗，请重点关注。",
                   url=f"/observation/flags/{rnd.pk}/", org_unit=entry.village, dedupe_key=f"black-twice-{entry.village_id}-{rnd.pk}")
    return rnd


def black_flags_in_year(village_ids, year: int) -> dict[int, int]:
    """village id → black flags published in `year`, for villages whose town published a round that year (0 included);
    villages of towns without a published round that year are absent (the indicator is not recorded). 2 queries."""
    towns = {}
    for pk, path in OrgUnit.objects.filter(pk__in=list(village_ids)).values_list("id", "path"):
        towns[pk] = "/".join(path.split("/")[:-2]) + "/"
    published = set(FlagRound.objects.filter(status=FlagRound.Status.PUBLISHED, period_start__year=year,
                                             town__path__in=set(towns.values())).values_list("town__path", flat=True))
    out = {pk: 0 for pk, town_path in towns.items() if town_path in published}
    for pk, n in (FlagEntry.objects.filter(village_id__in=list(out), flag="black", round__status=FlagRound.Status.PUBLISHED,
                                           round__period_start__year=year).values("village_id").annotate(n=Count("id"))
                  .values_list("village_id", "n")):
        out[pk] = n
    return out
