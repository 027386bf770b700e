"""The province-sized supervision set of bench/supervision.py, written in bulk: set-up, not product code.

Per town: one 片区 with its leader (包片领导), a town administrator, one 包村干部 for every four villages, one
team (督导组) over all its villages; per village a secretary with an account (the default person responsible).
Then a year of problems (found on every day of the last 365, before today), each taken through its life as of
yesterday's close: most signed off (one in ten rejected once first), the recent ones still pending, being
rectified or waiting for re-inspection, and a few never rectified, overdue and escalated step by step as the
daily job would have done. Their rectifications and the scheduled steps already taken are written too, so the
tables the job and the ledger read are as large as they would be.

Rows are written with COPY on PostgreSQL and executemany batches on SQLite, ids given explicitly.
"""

from __future__ import annotations

import contextlib
import datetime
import random
from collections.abc import Iterable, Iterator

SEVERITY_DAYS = {"minor": 15, "general": 10, "serious": 5}
SEVERITY_POOL = ["minor"] * 5 + ["general"] * 3 + ["serious"] * 2
ESCALATION_DAYS = [1, 3, 7]  # the default settings, as the services read them
STUCK = 0.02  # never rectified: overdue, escalating
REJECTED = 0.10
DESCRIPTIONS = [
    "村内主干道两侧有乱堆乱放柴草、建筑垃圾", "党员活动室制度牌未更新，三会一课记录不全", "坑塘岸边垃圾未清理",
    "村务公开栏内容未按季度更新", "残垣断壁未拆除，存在安全隐患", "网格员入户走访台账缺失",
    "集体经济合同未按规定归档", "公共厕所无人保洁", "村规民约未上墙", "矛盾纠纷排查记录不完整",
]
MEASURES = "已组织人员清理完毕，建立长效保洁机制，附整改前后照片。"


def insert(table: str, columns: list[str], rows: Iterable[tuple], batch: int = 20_000) -> int:
    """Write rows into `table` in batches: COPY on PostgreSQL, executemany on SQLite (times and dates adapted)."""
    from django.db import connection, transaction

    count = 0
    cols = ", ".join(columns)
    if connection.vendor == "postgresql":
        text = _copy_text()
        with transaction.atomic(), connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                lines = []
                for row in rows:
                    lines.append("\t".join(map(text, row)))
                    if len(lines) == batch:
                        copy.write("\n".join(lines) + "\n")
                        count += len(lines)
                        lines = []
                if lines:
                    copy.write("\n".join(lines) + "\n")
                    count += len(lines)
        return count
    ops = connection.ops
    seen: dict = {}  # the same few thousand days and times recur: adapt each once

    def adapt(value):
        if isinstance(value, datetime.date):
            if value not in seen:
                seen[value] = (ops.adapt_datetimefield_value(value) if isinstance(value, datetime.datetime)
                               else ops.adapt_datefield_value(value))
            return seen[value]
        return value

    sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(columns))})"
    chunk: list[tuple] = []

    def flush():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, chunk)

    for row in rows:
        chunk.append(tuple(adapt(v) for v in row))
        if len(chunk) == batch:
            flush()
            count += len(chunk)
            chunk = []
    if chunk:
        flush()
        count += len(chunk)
    return count


def _copy_text():
    """A value in COPY's text format (times as ISO with their offset, each distinct one formatted once)."""
    seen: dict = {}

    def text(value) -> str:
        if value is None:
            return "\\N"
        if value is True or value is False:
            return "t" if value else "f"
        if isinstance(value, str):
            return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        if isinstance(value, datetime.date):
            if value not in seen:
                seen[value] = value.isoformat()
            return seen[value]
        return str(value)

    return text


@contextlib.contextmanager
def indexes_rebuilt(tables: list[str]):
    """Drop the tables' secondary indexes (and on PostgreSQL their foreign keys, checked row by row at commit) for a
    bulk load, and build them again after it: far quicker than keeping them up to date row by row, and the foreign
    keys are validated again when they are added back. Primary keys and unique constraints stay."""
    from django.db import connection

    with connection.cursor() as cursor:
        keys = []
        if connection.vendor == "postgresql":
            cursor.execute("SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) AND i.schemaname = current_schema() "
                           "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)", [tables])
            found = cursor.fetchall()
            cursor.execute("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                           "WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)", [tables])
            keys = cursor.fetchall()
            for table, name, _ in keys:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        else:
            cursor.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                           f"AND tbl_name IN ({', '.join(['%s'] * len(tables))})", tables)
            found = cursor.fetchall()
        for name, _ in found:
            cursor.execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for _, sql in found:
                cursor.execute(sql)
            for table, name, definition in keys:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def next_id(model) -> int:
    from django.db.models import Max

    return (model._base_manager.aggregate(m=Max("pk"))["m"] or 0) + 1


def reset_sequence(model) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(sql)


def people(towns: dict[int, list[int]]) -> dict:
    """Areas, accounts, persons, duties, grants and one team per town, ids given (rows written as `insert` does).
    `towns`: town id → its village ids. Returns the ids the problems need."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.utils import timezone

    from fivestar.core.roles import Role
    from fivestar.orgs.models import Area, OrgUnit
    from fivestar.people.models import Duty, Person, Responsibility, RoleAssignment
    from fivestar.supervision.models import SupervisionTeam

    User = get_user_model()
    now = timezone.now()
    codes = dict(OrgUnit.objects.filter(level__in=[4, 5]).values_list("pk", "code"))
    area_id, user_id, person_id = next_id(Area), next_id(User), next_id(Person)
    areas = {t: area_id + i for i, t in enumerate(towns)}
    insert("orgs_area", ["id", "town_id", "name", "note", "created_at"], ((a, t, "第一片区", "", now) for t, a in areas.items()))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE orgs_orgunit SET area_id = (SELECT a.id FROM orgs_area a WHERE a.town_id = orgs_orgunit.parent_id) "
                       "WHERE level = 5")
    wanted = []  # (username, unit, position, note)
    for town, villages in towns.items():
        wanted += [(f"t{codes[town]}", town, "town_cadre", "镇党委组织委员"), (f"l{codes[town]}", town, "town_leader", "包片领导")]
        wanted += [(f"c{codes[town]}-{k}", town, "town_cadre", "包村干部") for k in range((len(villages) + 3) // 4)]
        wanted += [(f"s{codes[v]}", v, "secretary", "") for v in villages]
    user_ids = {w[0]: user_id + i for i, w in enumerate(wanted)}
    person_of = {w[0]: person_id + i for i, w in enumerate(wanted)}
    unusable = make_password(None)
    insert(User._meta.db_table, ["id", "password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff",
                                 "is_active", "date_joined"],
           ((user_ids[w[0]], unusable, False, w[0], "", "", "", False, True, now) for w in wanted))
    insert("people_person", ["id", "org_unit_id", "name", "gender", "phone", "position", "is_party_member", "user_id", "note", "active",
                             "must_change_password", "created_at", "updated_at"],
           ((person_of[w[0]], w[1], f"张{i % 9973}", "M", "", w[2], True, user_ids[w[0]], w[3], True, False, now, now)
            for i, w in enumerate(wanted)))
    grants, duties, secretaries, liaisons = [], [], {}, {}
    for town, villages in towns.items():
        code = codes[town]
        grants += [(user_ids[f"t{code}"], Role.TOWN_ADMIN, town, None), (user_ids[f"l{code}"], Role.AREA_LEADER, town, areas[town])]
        duties.append((Duty.AREA, person_of[f"l{code}"], town, areas[town]))
        for i, v in enumerate(villages):
            cadre = f"c{code}-{i // 4}"
            grants += [(user_ids[cadre], Role.VILLAGE_LIAISON, v, None), (user_ids[f"s{codes[v]}"], Role.VILLAGE_CADRE, v, None)]
            duties.append((Duty.VILLAGE, person_of[cadre], v, None))
            secretaries[v], liaisons[v] = person_of[f"s{codes[v]}"], user_ids[cadre]
    insert("people_roleassignment", ["user_id", "role", "org_unit_id", "area_id", "active", "created_at"], (g + (True, now) for g in grants))
    insert("people_responsibility", ["duty", "person_id", "org_unit_id", "area_id", "household_heads", "note", "created_at"],
           (d + ("", "", now) for d in duties))
    team_id = next_id(SupervisionTeam)
    team_of = {t: team_id + i for i, t in enumerate(towns)}
    insert("supervision_supervisionteam", ["id", "org_unit_id", "name", "leader_id", "note", "active", "created_at"],
           ((team_of[t], t, "第一督导组", person_of[f"l{codes[t]}"], "", True, now) for t in towns))
    insert("supervision_supervisionteam_villages", ["supervisionteam_id", "orgunit_id"],
           ((team_of[t], v) for t, villages in towns.items() for v in villages))
    insert("supervision_supervisionteam_members", ["supervisionteam_id", "person_id"],
           ((team_of[t], person_of[f"c{codes[t]}-0"]) for t in towns))
    for model in (Area, User, Person, SupervisionTeam, RoleAssignment, Responsibility):
        reset_sequence(model)
    return {
        "secretary": secretaries, "team": team_of, "liaison_user": liaisons,
        "secretary_user": {v: user_ids[f"s{codes[v]}"] for vs in towns.values() for v in vs},
        "leader_user": {t: user_ids[f"l{codes[t]}"] for t in towns},
        "town_admin": {t: user_ids[f"t{codes[t]}"] for t in towns},
    }


STEP_NAMES = {1: "包村干部", 2: "包片领导", 3: "镇级管理员"}


def _reached(deadline: datetime.date, day: datetime.date) -> int:
    """Escalation steps reached by `day` for a problem due on `deadline` (the default settings)."""
    late = (day - deadline).days
    return sum(1 for d in ESCALATION_DAYS if late >= d)


class Lives:
    """Problems drawn one by one, each read as it stands at the close of yesterday (`as_of`, the day the daily job
    last ran), as the rows of every table they touch. Times are Asia/Shanghai."""

    def __init__(self, ids: dict, villages: list[tuple[int, int]], rules: list[tuple[str, str]], today: datetime.date, seed: int = 7):
        from django.utils import timezone

        self.ids, self.villages, self.rules, self.today = ids, villages, rules, today
        self.as_of = today - datetime.timedelta(days=1)
        self.rng = random.Random(seed)
        self.tz = timezone.get_current_timezone()
        self.clock: dict = {}
        self.week_ago = self.at(today - datetime.timedelta(days=7), 0)

    def at(self, day: datetime.date, hour: int) -> datetime.datetime:
        key = (day, hour)
        if key not in self.clock:
            self.clock[key] = datetime.datetime.combine(day, datetime.time(hour), tzinfo=self.tz)
        return self.clock[key]

    def _steps(self, found: datetime.date, deadline: datetime.date) -> list[tuple[datetime.date, str]]:
        rng, d = self.rng, datetime.timedelta
        if rng.random() < STUCK:
            return []
        start = found + d(days=rng.randint(1, 2)) if rng.random() < 0.5 else None
        begun = start or found + d(days=1)
        if rng.random() < 0.12:  # late: submitted after the deadline
            submit = deadline + d(days=rng.randint(2, 9))
        else:
            submit = begun + d(days=rng.randint(1, max(1, (deadline - begun).days - 1)))
        review = submit + d(days=rng.randint(1, 3))
        steps = ([(start, "start")] if start else []) + [(submit, "submit")]
        if rng.random() < REJECTED:
            again = review + d(days=rng.randint(2, 4))
            return steps + [(review, "reject"), (again, "submit"), (again + d(days=rng.randint(1, 2)), "accept")]
        return steps + [(review, "accept")]

    def draw(self, pk: int) -> tuple[tuple, list, list, list]:
        """(problem row, rectification rows, scheduled-step event rows, notification rows) of problem `pk`."""
        rng, d, ids = self.rng, datetime.timedelta, self.ids
        village, town = self.villages[rng.randrange(len(self.villages))]
        severity = SEVERITY_POOL[int(rng.random() * 10)]
        found = self.today - d(days=rng.randint(1, 365))
        deadline = found + d(days=SEVERITY_DAYS[severity])
        star, rule = self.rules[rng.randrange(len(self.rules))] if rng.random() < 0.4 else ("", "")
        admin = ids["town_admin"][town]
        status, rectifying_at, submitted_at, closed_at, close_day, first_submit = "pending", None, None, None, None, None
        rect, version = [], 1
        for day, action in self._steps(found, deadline):
            if day > self.as_of:
                break
            version += 1
            if action == "start":
                status, rectifying_at = "rectifying", self.at(day, 10)
            elif action == "submit":
                status, submitted_at = "checking", self.at(day, 16)
                rectifying_at = rectifying_at or submitted_at
                first_submit = first_submit or day
                rect.append([pk, MEASURES, ids["secretary_user"][village], submitted_at, "waiting", "", None, None])
            else:
                accepted = action == "accept"
                rect[-1][4:8] = ["accepted" if accepted else "rejected", "" if accepted else "整改不到位，请补充照片。", admin, self.at(day, 11)]
                status = "closed" if accepted else "rectifying"
                if accepted:
                    closed_at, close_day = self.at(day, 11), day
        # The daily job runs before the day's work: it saw the problem open on every day up to its closing day.
        last_open = self.as_of if status != "closed" else close_day
        overdue = last_open > deadline
        step = _reached(deadline, last_open) if overdue else 0
        people = [ids["secretary_user"][village], ids["liaison_user"][village]]
        key = f"{pk}-{deadline:%Y%m%d}"
        events, notes = [], [self._note(u, "info", f"sup-new-{pk}", village, found) for u in people]
        remind_day = max(found, deadline - d(days=2))
        if remind_day <= last_open and (first_submit is None or first_submit > remind_day):
            events.append((pk, "remind", "", "", f"整改期限 {deadline:%Y-%m-%d} 临近", self.at(remind_day, 7)))
            notes += [self._note(u, "reminder", f"sup-remind-{key}", village, remind_day) for u in people]
        if overdue:
            events.append((pk, "overdue", "", "", f"已超过整改期限 {deadline:%Y-%m-%d}", self.at(deadline + d(days=1), 7)))
            notes += [self._note(u, "overdue", f"sup-overdue-{key}", village, deadline + d(days=1)) for u in people]
        for s in range(1, step + 1):
            day = deadline + d(days=ESCALATION_DAYS[s - 1])
            events.append((pk, "escalate", "", "", f"逾期升级至{STEP_NAMES[s]}（整改期限 {deadline:%Y-%m-%d}）", self.at(day, 7)))
            who = [ids["liaison_user"][village], ids["leader_user"][town], admin][s - 1]
            notes.append(self._note(who, "overdue", f"sup-esc{s}-{key}", village, day))
        updated = closed_at or submitted_at or rectifying_at or self.at(found, 10)
        row = (pk, village, ids["team"][town], star, rule, DESCRIPTIONS[pk % len(DESCRIPTIONS)], severity, ids["secretary"][village],
               deadline, status, overdue, step, found, rectifying_at, submitted_at, closed_at, admin if closed_at else None,
               admin, self.at(found, 10), updated, version)
        return row, rect, events, notes

    def _note(self, user_id, kind, key, village, day) -> tuple:
        created = self.at(day, 8)
        return (user_id, kind, "督导问题提醒", "", "/supervision/problems/", village, key, created,
                created + datetime.timedelta(hours=3) if created < self.week_ago else None)


PROBLEM_COLUMNS = ["id", "org_unit_id", "team_id", "star_code", "rule_code", "description", "severity", "responsible_id", "deadline",
                   "status", "overdue", "escalation_step", "found_on", "rectifying_at", "submitted_at", "closed_at", "closed_by_id",
                   "created_by_id", "created_at", "updated_at", "version"]
RECT_COLUMNS = ["problem_id", "measures", "submitted_by_id", "submitted_at", "outcome", "review_comment", "reviewed_by_id", "reviewed_at"]
EVENT_COLUMNS = ["problem_id", "action", "from_status", "to_status", "reason", "at"]
NOTE_COLUMNS = ["user_id", "kind", "title", "body", "url", "org_unit_id", "dedupe_key", "created_at", "read_at"]


def problems(n: int, ids: dict, villages: list[tuple[int, int]], rules: list[tuple[str, str]], today: datetime.date,
             chunk: int = 50_000) -> dict[str, int]:
    """Write `n` problems and what they touched, `chunk` problems at a time (bounded memory). Returns row counts."""
    from fivestar.supervision.models import Problem

    lives = Lives(ids, villages, rules, today)
    first = next_id(Problem)
    counts = {"problems": 0, "rectifications": 0, "events": 0, "notifications": 0}
    tables = ["supervision_problem", "supervision_rectification", "supervision_problemevent", "inbox_notification"]
    with indexes_rebuilt(tables):
        _write(n, chunk, first, lives, counts)
    reset_sequence(Problem)
    return counts


def _write(n: int, chunk: int, first: int, lives: Lives, counts: dict) -> None:
    for start in range(0, n, chunk):
        rows, rects, events, notes = [], [], [], []
        for pk in range(first + start, first + min(n, start + chunk)):
            row, rect, event, note = lives.draw(pk)
            rows.append(row)
            rects += [tuple(r) for r in rect]
            events += event
            notes += note
        counts["problems"] += insert("supervision_problem", PROBLEM_COLUMNS, rows)
        counts["rectifications"] += insert("supervision_rectification", RECT_COLUMNS, rects)
        counts["events"] += insert("supervision_problemevent", EVENT_COLUMNS, events)
        counts["notifications"] += insert("inbox_notification", NOTE_COLUMNS, notes)
