"""The deadline-day data of bench/deadline_day.py, shared with bench/week.py: a generated hierarchy imported, the
shipped rural framework, an annual round open over it with every branch's answers filled in (`build`), and the pool
of towns the load uses prepared (`prepare`: accounts, evidence, assessments ready to submit or submitted) with the
plan the locustfile reads. Set-up, not product code: rows are written in bulk where the services would be slow.
"""

from __future__ import annotations

import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from import_divisions import generate  # noqa: E402
from load_harness import timed  # noqa: E402

ROUND_NAME = "截止日压力测试评星"
PASSWORD = "deadline-day-bench-1"
PREFIX = "dd-"  # usernames of the accounts this benchmark makes
EVIDENCE_NOTE = "压力测试预置佐证"


def province_divisions(directory: Path, villages: int) -> int:
    """A province's division files with `villages` branches, counties and towns scaled to Henan's; returns the towns."""
    scale = villages / 52378
    counties = max(17, round(158 * scale))
    towns = max(counties, round(2450 * scale))
    generate(directory, villages, counties=counties, towns=towns)
    return towns


def build(villages: int, ref: float, divisions=province_divisions, flush: bool = True):
    """Flush, import a generated hierarchy of `villages` branches (`divisions` writes its files), open the round, fill
    every branch. `flush=False` when the database is known empty (a test's)."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from fivestar.orgs.divisions import apply_import, plan_import
    from fivestar.orgs.models import OrgUnit
    from fivestar.rating.services import populate_round
    from round import framework, make_round  # bench/round.py

    if flush:
        call_command("flush", interactive=False, verbosity=0)
    with tempfile.TemporaryDirectory(prefix="fivestar-dd-divisions-") as tmp:
        towns = divisions(Path(tmp), villages)
        with timed(f"import hierarchy ({villages:,} branches, {towns:,} towns)", ref):
            apply_import(plan_import(Path(tmp)))
    admin = get_user_model().objects.create_superuser(PREFIX + "admin", password=PASSWORD)
    fw = framework()
    rnd = make_round(admin, OrgUnit.objects.get(code="41"), fw, ROUND_NAME, "annual")
    type(rnd).objects.filter(pk=rnd.pk).update(phase="opening", opened_by=admin)
    with timed("open the province round", ref):
        populate_round(rnd.pk)
    with timed("fill every branch's answers (in progress)", ref):
        fill(rnd, fw)
    return rnd


def _columns_to_save():
    """Every column the branch's state is in (so a stored figure added to the model is written too)."""
    from fivestar.rating.models import Assessment

    return [f for f in Assessment._meta.concrete_fields
            if not f.primary_key and f.name not in ("round", "org_unit", "town", "framework", "updated_by", "updated_at")]


def fill(rnd, fw, unit_ids=None, values_for=None, seed=1):
    """Every branch's answers (most rules at their best value), evaluated, as it stands on deadline day.

    Written with one executemany per 2,000 rows: this is set-up for the load, not product code.
    """
    from django.db import connection, transaction

    from fivestar.rating.models import Assessment
    from fivestar.rating.services.evaluation import evaluate_assessment

    rng = random.Random(seed)
    compiled = fw.compiled()
    rules = list(compiled.rules_by_code.values())
    fields = _columns_to_save()
    sql = (f"UPDATE {Assessment._meta.db_table} SET " + ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
           + " WHERE id = %s")
    qs = Assessment.objects.filter(round=rnd).select_related("round").order_by("id")
    if unit_ids is not None:
        qs = qs.filter(org_unit_id__in=unit_ids)
    batch = []

    def flush():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, batch)
        batch.clear()

    for a in qs.iterator(chunk_size=2000):
        if values_for is not None:
            values_for(a)
        else:
            a.answers = {r.code: _zero_if_none(r.value_for_points(r.best_points if rng.random() < 0.9 else 0)) for r in rules}
            a.status = "in_progress"
        evaluate_assessment(a, {}, framework=compiled)
        batch.append([f.get_db_prep_save(getattr(a, f.attname), connection) for f in fields] + [a.pk])
        if len(batch) == 2000:
            flush()
    if batch:
        flush()


def _zero_if_none(value):
    return 0 if value is None else value


def raw(value) -> str:
    """A value as a person types it into the form."""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def prepare(rnd, users: int, duration: int, submitted_share: float, target: int | None = None) -> dict:
    """Accounts, evidence and assessments of the pool of towns the load uses; the plan for the load client. The pool
    has at least `target` villages (by default enough that the village users never run out within the run)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from fivestar.core.roles import Role
    from fivestar.orgs.models import Level, OrgUnit
    from fivestar.people.models import RoleAssignment
    from fivestar.rating.models import Assessment, Evidence
    from fivestar.rating.stats import refresh_round_stats

    User = get_user_model()
    fw = rnd.rural_framework
    compiled = fw.compiled()
    rules = list(compiled.rules_by_code.values())
    needing = {r.code: r.evidence.min_count for r in rules if r.evidence and r.evidence.min_count}
    per_village = max(needing.values(), default=0)

    # Enough villages that the village users never run out within the run, in whole towns.
    target = target or max(4 * users, int(users * (duration / 8 + 2)))
    towns, pool = [], []
    for town in OrgUnit.objects.filter(level=Level.TOWN, path__startswith=rnd.scope.path).order_by("id"):
        ids = list(OrgUnit.objects.filter(parent=town, level=Level.VILLAGE, active=True).order_by("id").values_list("id", "code"))
        if ids:
            towns.append(town)
            pool.extend(ids)
        if len(pool) >= target:
            break
    unit_ids = [uid for uid, _ in pool]

    # Accounts: one hash for all (same password), made once and kept (--reuse).
    password = make_password(PASSWORD)
    first = towns[0]
    county = OrgUnit.objects.get(pk=first.parent_id)
    city = OrgUnit.objects.get(pk=county.parent_id)
    wanted = [(PREFIX + code, Role.VILLAGE_CADRE, uid) for uid, code in pool]
    wanted += [(PREFIX + t.code, Role.TOWN_ADMIN, t.pk) for t in towns]
    leaders = [(PREFIX + "province", Role.COUNTY_ADMIN, rnd.scope_id), (PREFIX + "city-" + city.code, Role.OBSERVER, city.pk),
               (PREFIX + "county-" + county.code, Role.COUNTY_ADMIN, county.pk)]
    paths = dict(OrgUnit.objects.filter(pk__in=[unit for _, _, unit in leaders]).values_list("pk", "path"))
    wanted += leaders
    existing = set(User.objects.filter(username__startswith=PREFIX).values_list("username", flat=True))
    User.objects.bulk_create([User(username=name, password=password) for name, _, _ in wanted if name not in existing], batch_size=1000)
    ids = dict(User.objects.filter(username__startswith=PREFIX).values_list("username", "id"))
    have = set(RoleAssignment.objects.filter(user_id__in=ids.values()).values_list("user_id", "role", "org_unit_id"))
    RoleAssignment.objects.bulk_create([RoleAssignment(user_id=ids[name], role=role, org_unit_id=unit) for name, role, unit in wanted
                                        if (ids[name], role, unit) not in have], batch_size=1000)

    # Evidence already uploaded for every rule that needs it (one stored photo, referenced per village).
    photo_name = "evidence/bench/deadline-day.jpg"
    if not default_storage.exists(photo_name):
        from PIL import Image
        import io

        out = io.BytesIO()
        Image.new("RGB", (800, 600), (90, 140, 90)).save(out, "JPEG", quality=80)
        default_storage.save(photo_name, ContentFile(out.getvalue()))
    size = default_storage.size(photo_name)
    evidence: dict[int, list[int]] = {}
    for ev_id, unit_id in Evidence.objects.filter(org_unit_id__in=unit_ids, description=EVIDENCE_NOTE).values_list("id", "org_unit_id"):
        evidence.setdefault(unit_id, []).append(ev_id)
    missing = [(uid, per_village - len(evidence.get(uid, []))) for uid in unit_ids if len(evidence.get(uid, [])) < per_village]
    Evidence.objects.bulk_create([
        Evidence(org_unit_id=uid, kind="photo", file=photo_name, thumbnail=photo_name, original_name="现场照片.jpg", content_type="image/jpeg",
                 extension=".jpg", size=size, sha256=f"{uid:032d}{i:032d}", description=EVIDENCE_NOTE)
        for uid, n in missing for i in range(n)], batch_size=1000)
    evidence = {}
    for ev_id, unit_id in Evidence.objects.filter(org_unit_id__in=unit_ids, description=EVIDENCE_NOTE).order_by("id").values_list("id", "org_unit_id"):
        evidence.setdefault(unit_id, []).append(ev_id)

    # Each pool village: every rule answered at its best, evidence attached; a share already submitted.
    full = {}
    for r in rules:
        full[r.code] = r.thresholds[-1].min if r.indicator and r.thresholds else _zero_if_none(r.value_for_points(r.best_points))
    stars = [s.code for s in compiled.stars]
    rng = random.Random(7)
    submitted = set()
    now = timezone.now()

    def deadline_state(a):
        ids_ = evidence.get(a.org_unit_id, [])
        a.answers, a.reviews, a.notes, a.not_applicable, a.to_confirm = dict(full), {}, {}, {}, []
        a.evidence = {code: ids_[:n] for code, n in needing.items()}
        a.return_comments, a.veto_events, a.rule_versions, a.version = [], [], {}, 1
        a.approved_snapshot, a.modified_since_approval, a.closed_from, a.deadline_override = {}, False, "", None
        if rng.random() < submitted_share:
            a.status, a.applied_stars, a.submitted_at = "submitted", stars, now
            submitted.add(a.pk)
        else:
            a.status, a.applied_stars, a.submitted_at = "in_progress", [], None

    fill(rnd, fw, unit_ids=unit_ids, values_for=deadline_state)
    refresh_round_stats(rnd.pk)

    saveable = [r for r in rules if not r.indicator]
    star_of = {r.code: s.code for s in compiled.stars for r in s.rules}
    plan_rules = []
    for r in saveable:
        values = [raw(v) for v in {_zero_if_none(r.value_for_points(r.best_points)), _zero_if_none(r.value_for_points(0))}]
        plan_rules.append({"code": r.code, "star": star_of[r.code], "values": values})
    by_unit = dict(Assessment.objects.filter(round=rnd, org_unit_id__in=unit_ids).values_list("org_unit_id", "id"))
    villages = [{"username": PREFIX + code, "assessment": by_unit[uid], "stars": stars} for uid, code in pool]
    return {
        "round": rnd.pk, "password": PASSWORD, "rules": plan_rules,
        "villages": [v for v in villages if v["assessment"] not in submitted],
        "village_of_assessment": {str(v["assessment"]): v for v in villages},
        "reviewers": [{"username": PREFIX + t.code, "town": t.code} for t in towns],
        "leaders": [{"username": name, "towns": [t.code for t in towns if t.path.startswith(paths[unit])]} for name, _, unit in leaders],
        "pool": {"towns": len(towns), "villages": len(pool), "submitted": len(submitted)},
    }

