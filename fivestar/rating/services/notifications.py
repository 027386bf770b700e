"""Who hears what in the rating workflow (站内消息), every message idempotent:

- the village (its cadres, 包村干部 and the town cadre who 包 it): when the round opens for it, when each level
  approves it, when it is closed as 未按期完成, when its result is on public notice, when it is recognised;
- the reviewers of the next level: one digest per town and level while items wait there (its count kept
  current), not one message per village.

Round-wide messages go out in a few queries (`notify_many`) with a dedupe key per branch, so a retried job or
a rerun sends nothing twice.
"""

from fivestar.inbox.models import Notification
from fivestar.inbox.services import notify, notify_digest, notify_many

from ..models import Assessment, Round, RoundResult
from ..models.round import LEVEL_LABELS
from .access import LEVEL_ACTION
from .recipients import reviewer_roles, users_with_role_over, village_user_ids, village_users

RATING_NAMES = {0: "未评星", 1: "一星", 2: "二星", 3: "三星", 4: "四星", 5: "五星"}


def _url(assessment_id: int) -> str:
    return f"/rating/assessments/{assessment_id}/"


def _tell(rows, kind, title, body, key) -> int:
    """rows: (assessment id, unit id, extra); title/body/key: callables of a row."""
    rows = list(rows)
    users = village_user_ids([r[1] for r in rows])
    return notify_many(
        {"user_id": uid, "kind": kind, "title": title(r), "body": body(r), "url": _url(r[0]), "org_unit_id": r[1], "dedupe_key": key(r)}
        for r in rows for uid in sorted(users.get(r[1], ()))
    )


def round_opened(rnd: Round) -> int:
    rows = Assessment.objects.filter(round=rnd).values_list("id", "org_unit_id", "status")
    return _tell(rows, Notification.Kind.OPENED, lambda r: f"{rnd.name}已开启，请完成自评",
                 lambda r: f"村级自评截止 {rnd.self_deadline:%Y-%m-%d}。逐条填报、上传佐证后提交镇级初审。",
                 lambda r: f"r{rnd.pk}-opened-a{r[0]}")


def notice_started(rnd: Round) -> int:
    rows = Assessment.objects.filter(round=rnd).values_list("id", "org_unit_id", "status")

    def body(r):
        period = f"公示期 {rnd.notice_start:%Y-%m-%d} 至 {rnd.notice_end:%Y-%m-%d}，期满且异议处理完毕后认定。"
        return ("本村（社区）申报未按期完成，按本周期规定处理。" if r[2] == "expired" else "") + period

    return _tell(rows, Notification.Kind.NOTICE, lambda r: f"{rnd.name}：评星结果正在公示", body,
                 lambda r: f"r{rnd.pk}-notice-{rnd.notice_start:%Y%m%d}-a{r[0]}")


def recognised(rnd: Round) -> int:
    ids = dict(Assessment.objects.filter(round=rnd).values_list("org_unit_id", "id"))
    rows = [(ids.get(unit_id), unit_id, rating, expired)
            for unit_id, rating, expired in RoundResult.objects.filter(round=rnd).values_list("org_unit_id", "rating", "expired")]

    def body(r):
        note = "（未按期完成，按本周期规定认定）" if r[3] else ""
        return f"认定为{RATING_NAMES.get(r[2], f'{r[2]}星')}{note}。"

    return _tell([r for r in rows if r[0]], Notification.Kind.RECOGNISED, lambda r: f"{rnd.name}：评星结果已认定", body,
                 lambda r: f"r{rnd.pk}-recognised-a{r[0]}")


def closed(rnd: Round, rows) -> int:
    """rows: (assessment id, unit id, version, reason) of branches just closed as 未按期完成."""
    outcome = "保留上次认定的星" if rnd.expired_outcome == Round.ExpiredOutcome.KEEP else "不授星"
    return _tell(rows, Notification.Kind.EXPIRED, lambda r: f"{rnd.name}：申报未按期完成",
                 lambda r: f"{r[3]}，已按“未按期完成”处理（认定时{outcome}）。如有特殊情况，请联系县级审核人员。",
                 lambda r: f"a{r[0]}-expired-v{r[2]}")


def restored(a: Assessment, until) -> int:
    return notify(village_users(a.org_unit), Notification.Kind.INFO, f"{a.round.name}：截止处理已撤销",
                  f"县级已撤销本村（社区）申报的“未按期完成”处理，请于 {until:%Y-%m-%d} 前完成。", _url(a.pk), a.org_unit,
                  f"a{a.pk}-restored-v{a.version}")


def approved(a: Assessment, level: str) -> int:
    """The village hears each level's approval; the next level's reviewers get their town's digest."""
    label = LEVEL_LABELS.get(level, level)
    sent = notify(village_users(a.org_unit), Notification.Kind.APPROVED, f"{a.round.name}：申报已通过{label}",
                  f"{a.org_unit.display_name}的申报已通过{label}。", _url(a.pk), a.org_unit, f"a{a.pk}-approved-{level}-v{a.version}")
    levels = a.round.levels
    if level in levels and levels.index(level) + 1 < len(levels) and a.town_id:
        sent += waiting_digest(a.round, a.town, levels[levels.index(level) + 1])
    return sent


def waiting_digest(rnd: Round, town, level: str) -> int:
    """One message per town and level to that level's reviewers, rewritten with the current count while unread."""
    from .answers import REVIEWABLE_AT

    count = Assessment.objects.filter(round=rnd, town=town, status__in=REVIEWABLE_AT[level]).count()
    if not count:
        return 0
    label = LEVEL_LABELS.get(level, level)
    users = users_with_role_over(town, reviewer_roles(LEVEL_ACTION[level]))
    return notify_digest(users, Notification.Kind.WAITING, f"r{rnd.pk}-wait-{level}-t{town.pk}",
                         f"{rnd.name}：{town.display_name} {count} 个支部待{label}",
                         f"{town.display_name}有 {count} 个支部的申报已通过上一级，等待{label}（截止 {deadline_of(rnd, level):%Y-%m-%d}）。",
                         f"/rating/rounds/{rnd.pk}/towns/{town.code}/?status={next(iter(REVIEWABLE_AT[level]))}", town)


def deadline_of(rnd: Round, level: str):
    if level == "town":
        return rnd.town_deadline
    if level == "county":
        return rnd.county_deadline
    return rnd.extra_deadline or rnd.county_deadline
