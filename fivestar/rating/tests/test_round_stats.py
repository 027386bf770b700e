"""Round figures are kept at every level (town, county, city, province) in the transaction of the change that
moves them, equal at every step to what `fivestar rebuild-round-stats` computes from the branches — also when
transitions in sibling towns (or villages of one town) overlap on PostgreSQL."""

import threading
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from fivestar.orgs.models import Level
from fivestar.rating.models import Assessment, RoundUnitStats, Status
from fivestar.rating.services import approve, return_for_changes, save_answers, submit
from fivestar.rating.services.deadlines import close_early
from fivestar.rating.stats import rebuild_round

from .conftest import full_marks
from .notice_helpers import fill


def rows(rnd) -> dict:
    return {r.unit.code: r for r in RoundUnitStats.objects.filter(round=rnd).select_related("unit", "parent")}


def snapshot(rnd) -> dict:
    return {code: (r.level, r.parent_id, r.figures()) for code, r in rows(rnd).items()}


def assert_equals_rebuild(rnd):
    """The kept figures are exactly what a rebuild from the branches gives (checked without saving)."""
    before = snapshot(rnd)
    with transaction.atomic():
        rebuild_round(rnd.pk)
        rebuilt = snapshot(rnd)
        transaction.set_rollback(True)
    assert before == rebuilt
    call_command("rebuild_round_stats", rnd.pk, "--check", stdout=open("/dev/null", "w"))


@pytest.fixture
def province_round(world, make_round):
    return make_round(scope=world.province, opener=world.users["sysadmin"])


def village(rnd, unit):
    return Assessment.objects.select_related("round", "org_unit", "framework").get(round=rnd, org_unit=unit)


@pytest.mark.django_db
def test_every_level_has_its_row_after_opening(world, province_round):
    kept = rows(province_round)
    assert set(kept) == {"41", "4109", "410928", "410922", "410928103", "410928104", "410922100"}
    assert kept["41"].parent_id is None and kept["41"].level == Level.PROVINCE
    assert kept["4109"].parent == world.province and kept["410928"].parent == world.city and kept["410928103"].parent == world.county
    assert [kept[c].total for c in ("41", "4109", "410928", "410922", "410928103", "410928104", "410922100")] == [5, 5, 4, 1, 3, 1, 1]
    assert kept["41"].by_status == {"not_started": 5} and kept["410928"].by_category == {"lead": 2, "": 2}
    assert kept["410928103"].community == kept["41"].community == 1
    assert_equals_rebuild(province_round)


@pytest.mark.django_db
def test_transitions_in_two_towns_of_one_county_keep_every_level_exact(world, province_round):
    admin = world.users["sysadmin"]
    rnd = province_round
    a, b = village(rnd, world.village), village(rnd, world.other_village)
    a = fill(a, admin)  # answers and evidence
    assert_equals_rebuild(rnd)
    b = fill(b, admin)
    kept = rows(rnd)
    assert kept["410928"].by_status == {"in_progress": 2, "not_started": 2} and kept["41"].by_status == {"in_progress": 2, "not_started": 3}
    assert kept["41"].by_rating.get("5") == 2 and kept["4109"].by_rating.get("5") == 2
    assert_equals_rebuild(rnd)
    a = submit(a, admin, ["paf"])
    b = submit(b, admin, ["paf"])
    a = approve(a, admin, "town")
    b = return_for_changes(b, admin, "town", "请补充材料")
    kept = rows(rnd)
    assert kept["410928103"].by_status == {"town_approved": 1, "not_started": 2}
    assert kept["410928"].by_status == {"town_approved": 1, "returned": 1, "not_started": 2}
    assert kept["41"].by_status == {"town_approved": 1, "returned": 1, "not_started": 3}
    assert_equals_rebuild(rnd)
    # 截止处理 early (county, several towns in one transaction), then the figures again at every level.
    closed = close_early(rnd, admin, [village(rnd, world.sibling).pk, village(rnd, world.far_village).pk], "本期村党组织书记空缺")
    assert closed == 2
    kept = rows(rnd)
    assert kept["41"].by_status.get("expired") == 2 and kept["410922"].by_status == {"expired": 1}
    assert_equals_rebuild(rnd)


@pytest.mark.django_db
def test_a_change_that_moves_nothing_leaves_the_rows_above_alone(world, province_round):
    admin = world.users["sysadmin"]
    a = save_answers(village(province_round, world.village), admin, "village", values=full_marks(village(province_round, world.village).framework))
    stamp = RoundUnitStats.objects.get(round=province_round, unit=world.province).updated_at
    a = save_answers(a, admin, "village", notes={next(iter(a.answers)): "补充说明"})  # a note: status and rating unchanged
    assert RoundUnitStats.objects.get(round=province_round, unit=world.province).updated_at == stamp


@pytest.mark.django_db
def test_a_town_refresh_costs_the_same_queries_whatever_the_number_of_towns(world, province_round):
    from django.test.utils import CaptureQueriesContext

    from fivestar.orgs.models import OrgUnit
    from fivestar.rating.stats import refresh_towns

    def cost():
        Assessment.objects.filter(round=province_round, org_unit=world.village).update(status=Status.SUBMITTED if cost.flip else Status.IN_PROGRESS)
        cost.flip = not cost.flip
        with CaptureQueriesContext(connection) as ctx:
            refresh_towns(province_round.pk, [world.town.pk])
        return len(ctx.captured_queries)

    cost.flip = True
    few = cost()
    for i in range(30):  # more towns (and their rows) in the county
        town = OrgUnit.objects.create(code=f"410928{200 + i}", name=f"新增{i}镇", level=Level.TOWN, parent=world.county)
        RoundUnitStats.objects.create(round=province_round, unit=town, level=Level.TOWN, parent=world.county, total=1, by_status={"not_started": 1})
    many = cost()
    assert many <= few <= 7  # 6 for the figures, 1 marking the town's board (fivestar/boards) dirty


@pytest.mark.django_db
def test_rebuild_command_repairs_and_check_reports(world, province_round):
    RoundUnitStats.objects.filter(round=province_round, unit=world.county).update(total=99, by_status={"submitted": 99})
    with pytest.raises(CommandError, match="不一致"):
        call_command("rebuild_round_stats", province_round.pk, "--check", stdout=open("/dev/null", "w"))
    assert RoundUnitStats.objects.get(round=province_round, unit=world.county).total == 99  # --check saves nothing
    call_command("rebuild_round_stats", stdout=open("/dev/null", "w"))
    assert RoundUnitStats.objects.get(round=province_round, unit=world.county).total == 4
    assert_equals_rebuild(province_round)
    with pytest.raises(CommandError, match="不存在"):
        call_command("rebuild_round_stats", 987654, stdout=open("/dev/null", "w"))


def _overlapping(first, second):
    """Run `first` in a transaction that stays open a moment after its change, and `second` meanwhile in another
    connection: on PostgreSQL the second queues on the shared rows and must not lose the first's update."""
    started, errors = threading.Event(), []

    def one():
        try:
            with transaction.atomic():
                first()
                started.set()
                time.sleep(0.6)
        except Exception as exc:  # noqa: BLE001  (reported below)
            errors.append(repr(exc))
            started.set()
        finally:
            connection.close()

    def two():
        try:
            started.wait(timeout=30)
            second()
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=one), threading.Thread(target=two)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


@pytest.mark.django_db(transaction=True)
def test_overlapping_transitions_in_sibling_towns_and_in_one_town_lose_nothing(world, make_round):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("parallel writers need a file-based SQLite or PostgreSQL test database")
    admin = world.users["sysadmin"]
    rnd = make_round(scope=world.province, opener=admin)
    a, b, c = village(rnd, world.village), village(rnd, world.other_village), village(rnd, world.sibling)
    values = full_marks(a.framework)
    with_evidence = fill(a, admin)  # 西辛庄村 answers with evidence (in progress); 八公桥村 and 庆南村 overlap next
    assert_equals_rebuild(rnd)
    _overlapping(lambda: submit(with_evidence, admin, ["paf"]),
                 lambda: save_answers(b, admin, "village", values=values))  # 庆祖镇 and 八公桥镇, both in 濮阳县
    kept = rows(rnd)
    assert kept["410928"].by_status == {"submitted": 1, "in_progress": 1, "not_started": 2}
    assert kept["41"].by_status == {"submitted": 1, "in_progress": 1, "not_started": 3}
    _overlapping(lambda: save_answers(c, admin, "village", values=values),
                 lambda: approve(village(rnd, world.village), admin, "town"))  # two villages of 庆祖镇
    kept = rows(rnd)
    assert kept["410928103"].by_status == {"in_progress": 1, "town_approved": 1, "not_started": 1}
    assert kept["41"].by_status == {"in_progress": 2, "town_approved": 1, "not_started": 2}
    before = snapshot(rnd)
    rebuild_round(rnd.pk)
    assert snapshot(rnd) == before
