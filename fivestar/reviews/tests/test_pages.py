"""Pages per role: a town's ranking, a pack, adjust, settings, export; 404 out of scope, 403 lower rank, junk never 500,
constant queries."""

import pytest

from fivestar.core.roles import Role
from fivestar.reviews.models import ReviewAdjustment, ReviewPack

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def test_town_ranking_lists_packs_in_order_with_filters(rev, login):
    rev.compute()
    c = login(rev.town_admin)
    r = c.get(f"/reviews/{rev.w.town.code}/?year={YEAR}")
    body = r.content.decode()
    assert r.status_code == 200 and "王书记" in body and "李包村" in body and "根据记录生成" in body
    assert body.index("王书记") < body.index("孙书记")  # ranked by score
    body = c.get(f"/reviews/{rev.w.town.code}/?year={YEAR}&kind=cadre").content.decode()
    assert "李包村" in body and "王书记" not in body
    body = c.get(f"/reviews/{rev.w.town.code}/?year={YEAR}&q=孙").content.decode()
    assert "孙书记" in body and "王书记" not in body
    for junk in ("?year=abc&kind=zzz&grade=<x>&page=999", "?year=99999999999999999999", "?page=-1&q=%00"):
        assert c.get(f"/reviews/{rev.w.town.code}/{junk}").status_code == 200


def test_scope_404_and_rank_403(rev, login, world):
    rev.compute()
    pack = rev.pack(rev.secretary)
    c = login(rev.other_town_admin)
    assert c.get(f"/reviews/{world.town.code}/").status_code == 404
    assert c.get(f"/reviews/pack/{pack.pk}/").status_code == 404
    assert c.post(f"/reviews/pack/{pack.pk}/adjust/", {"grade": "好", "reason": "x"}).status_code == 404
    assert c.post(f"/reviews/{world.town.code}/compute/", {"year": YEAR}).status_code == 404
    c = login(world.users[Role.SUPERVISOR])  # sees the town, may not review
    assert c.get(f"/reviews/{world.town.code}/").status_code == 200
    assert c.post(f"/reviews/pack/{pack.pk}/adjust/", {"grade": "好", "reason": "x"}).status_code == 403
    assert c.post(f"/reviews/{world.town.code}/compute/", {"year": YEAR}).status_code == 403
    assert c.post(f"/reviews/{world.town.code}/export/", {"year": YEAR, "kind": "docx"}).status_code == 403
    assert c.post(f"/reviews/settings/{world.town.code}/", {"w_stars": 1}).status_code == 403
    c = login(world.users[Role.VILLAGE_CADRE])  # the secretary sees their own pack, not the town's ranking
    assert c.get(f"/reviews/pack/{pack.pk}/").status_code == 200
    assert c.get(f"/reviews/pack/{rev.pack(rev.sibling_secretary).pk}/").status_code == 404
    assert c.get(f"/reviews/{world.town.code}/").status_code == 404
    c = login(rev.county_admin)
    c.post(f"/reviews/pack/{pack.pk}/adjust/", {"grade": "差", "reason": "县级核查"})
    c = login(rev.town_admin)
    assert c.post(f"/reviews/pack/{pack.pk}/adjust/", {"grade": "好", "reason": "镇级"}).status_code == 403
    assert ReviewPack.objects.get(pk=pack.pk).grade == "差"


def test_adjust_form_keeps_history_and_refuses_junk(rev, login):
    rev.compute()
    pack = rev.pack(rev.secretary)
    c = login(rev.town_admin)
    r = c.post(f"/reviews/pack/{pack.pk}/adjust/", {"grade": "较好", "reason": ""}, follow=True)
    assert "调整等次须填写调整理由" in r.content.decode() and not ReviewAdjustment.objects.exists()
    r = c.post(f"/reviews/pack/{pack.pk}/adjust/", {"grade": "<script>", "reason": "x"}, follow=True)
    assert "等次应为" in r.content.decode()
    r = c.post(f"/reviews/pack/{pack.pk}/adjust/", {"grade": "较好", "reason": "群众满意度高", "comment": "扎实"}, follow=True)
    body = r.content.decode()
    assert "群众满意度高" in body and "最终等次「<strong>较好</strong>」" in body
    assert c.get("/reviews/pack/abc/").status_code == 404
    assert c.get("/reviews/pack/99999999/").status_code == 404
    assert c.get("/reviews/exports/99999999/").status_code == 404


def test_settings_page_saves_and_refuses_junk(rev, login, world):
    c = login(rev.town_admin)
    assert c.get(f"/reviews/settings/{world.town.code}/").status_code == 200
    r = c.post(f"/reviews/settings/{world.town.code}/", {"w_stars": "abc"}, follow=True)
    assert "权重应为" in r.content.decode()
    r = c.post(f"/reviews/settings/{world.town.code}/", {"w_stars": "50", "t_好": "95", "t_较好": "80", "t_一般": "60"}, follow=True)
    assert "设置已保存" in r.content.decode()
    assert c.post(f"/reviews/settings/{world.county.code}/", {"w_stars": "50"}).status_code == 404  # the county is above the town
    assert c.get(f"/reviews/settings/{world.far_town.code}/").status_code == 404


def test_ranking_page_queries_do_not_grow(rev, login, django_assert_max_num_queries):
    from fivestar.people.models import Duty, Person, Position, Responsibility

    rev.compute()
    c = login(rev.town_admin)
    url = f"/reviews/{rev.w.town.code}/?year={YEAR}"
    c.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        c.get(url)
    for i in range(8):
        p = Person.objects.create(org_unit=rev.w.town, name=f"干部{i}", gender="M", position=Position.TOWN_CADRE)
        Responsibility.objects.create(duty=Duty.VILLAGE, person=p, org_unit=rev.w.community)
    rev.compute()
    with CaptureQueriesContext(connection) as big:
        c.get(url)
    assert len(big.captured_queries) == len(small.captured_queries)
    pack = rev.pack(rev.cadre)
    with CaptureQueriesContext(connection) as one:
        c.get(f"/reviews/pack/{pack.pk}/")
    ReviewAdjustment.objects.bulk_create([ReviewAdjustment(pack=pack, user=rev.town_admin, level=4, from_grade="差", to_grade="差",
                                                           comment=f"意见{i}") for i in range(5)])
    with CaptureQueriesContext(connection) as many:
        c.get(f"/reviews/pack/{pack.pk}/")
    assert len(many.captured_queries) == len(one.captured_queries)


def test_export_word_in_the_background_and_read_back(rev, login, django_capture_on_commit_callbacks):
    import io

    from docx import Document

    rev.compute()
    pack = rev.pack(rev.secretary)
    c = login(rev.town_admin)
    c.post(f"/reviews/pack/{pack.pk}/adjust/", {"grade": "较好", "reason": "全年无信访"})
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(f"/reviews/{rev.w.town.code}/export/", {"year": YEAR, "kind": "docx"})
    assert r.status_code == 302
    page = c.get(r["Location"])
    assert "已完成" in page.content.decode()
    export_id = r["Location"].rstrip("/").rsplit("/", 1)[-1]
    f = c.get(f"/reviews/exports/{export_id}/download/")
    assert f.status_code == 200
    doc = Document(io.BytesIO(b"".join(f.streaming_content)))
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(cell.text for t in doc.tables for row in t.rows for cell in row.cells)
    assert f"{YEAR}年度党建述职考核材料" in text and "王书记" in text and "李包村" in text and "全年无信访" in text
    assert "63.75" in text
    # another user does not get this user's export
    assert login(rev.county_admin).get(f"/reviews/exports/{export_id}/download/").status_code == 404
