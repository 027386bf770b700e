"""Supervision inside the rating pages: the reviewer's 督导 section lists the village's open problems and marks
those on a star it applied for; the village's self-assessment page and its home to-do list show its own."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fivestar.rating.models import Assessment
from fivestar.rating.tests.conftest import frameworks, make_round  # noqa: F401  (fixtures)
from fivestar.supervision.services import accept, submit_rectification

pytestmark = pytest.mark.django_db


@pytest.fixture
def a(sup, world, make_round):  # noqa: F811
    rnd = make_round()
    return Assessment.objects.select_related("framework", "org_unit").get(round=rnd, org_unit=world.village)


def _rule_of(a, star):
    return next(r.code for r in a.framework.compiled().rules_by_code.values() if r.star_code == star)


def test_review_page_lists_open_problems_and_marks_the_applied_stars(sup, world, login, a):
    Assessment.objects.filter(pk=a.pk).update(applied_stars=["zbgy"])
    linked = sup.problem(description="三会一课记录缺失", rule_code=_rule_of(a, "zbgy"))
    other = sup.problem(description="河道有垃圾", star_code="stjy")
    closed = sup.problem(description="已经解决的问题")
    submit_rectification(closed, sup.secretary_user, "已解决")
    accept(closed, sup.supervisor, "好")
    sup.problem(description="庆南村的问题", village=world.sibling)
    html = login(sup.town_admin).get(f"/rating/assessments/{a.pk}/review/").content.decode()
    section = html[html.index('data-testid="supervision"'):html.index('id="events"')]
    rows = re.findall(r'data-testid="supervision-problem" data-linked="(\d)"', section)
    assert rows == ["1", "0"]  # the linked one first, the closed and the sibling's not listed
    assert "三会一课记录缺失" in section and "河道有垃圾" in section
    assert "已经解决的问题" not in section and "庆南村的问题" not in section
    assert "有 1 个未销号问题涉及本村申报的星" in section
    assert f'/supervision/problems/{linked.pk}/' in section and f'/supervision/problems/{other.pk}/' in section


def test_review_page_without_problems_says_so(sup, world, login, a):
    html = login(sup.town_admin).get(f"/rating/assessments/{a.pk}/review/").content.decode()
    assert 'data-testid="supervision-none"' in html


def test_self_assessment_page_notices_problems_on_its_rules_in_one_query(sup, world, login, a):
    sup.problem(description="三会一课记录缺失", rule_code=_rule_of(a, "zbgy"))
    sup.problem(description="与细则无关的问题")
    client = login(sup.secretary_user)
    html = client.get(f"/rating/assessments/{a.pk}/").content.decode()
    notice = html[html.index('data-testid="supervision-notice"'):]
    notice = notice[:notice.index("查看并整改")]
    assert "三会一课记录缺失" in notice and "与细则无关的问题" not in notice
    from django.template import Context, Template
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = sup.secretary_user
    template = Template("{% load supervision_tags %}{% supervision_village_notice a %}")
    a.framework.compiled()  # the page has compiled it already
    with CaptureQueriesContext(connection) as ctx:
        out = template.render(Context({"request": request, "a": a}))
    assert "三会一课记录缺失" in out and len(ctx.captured_queries) == 1


def test_village_home_lists_problems_waiting_for_it(sup, world, login):
    waiting = sup.problem(description="村口路灯不亮")
    submitted = sup.problem(description="已提交的问题")
    submit_rectification(submitted, sup.secretary_user, "修好了")
    sup.problem(description="庆南村的问题", village=world.sibling)
    html = login(sup.secretary_user).get("/").content.decode()
    assert 'data-testid="todo-supervision"' in html
    assert "村口路灯不亮" in html and f"/supervision/problems/{waiting.pk}/" in html
    assert "已提交的问题" not in html and "庆南村的问题" not in html
