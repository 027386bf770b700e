"""The veto form (一票否决): RECORD_VETO holders only, veto rules only, evidence checked, stars withdrawn at once."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from fivestar.core.roles import Role
from fivestar.rating.models import Evidence, StarHolding, VetoEvent
from tests.factories import user_with_role

from .images import jpeg_bytes


def _messages(response):
    return [str(m) for m in response.context["messages"]]


@pytest.mark.django_db
def test_veto_form_records_the_event_and_says_which_stars_were_withdrawn(world, frameworks, login):
    now = timezone.now()
    for code, name in [("paf", "平安法治星"), ("zbgy", "支部过硬星"), ("cyxw", "产业兴旺星")]:
        StarHolding.objects.create(org_unit=world.village, star_code=code, star_name=name, gained_at=now)
    url = f"/rating/villages/{world.village.code}/veto/new/"
    assert login(world.users["village_cadre"]).get(url).status_code == 403
    assert login(world.users["observer"]).get(url).status_code == 403
    assert login(user_with_role("bgq", Role.TOWN_ADMIN, world.other_town)).get(url).status_code == 404

    client = login(world.users["town_admin"])
    response = client.get(url)
    choices = [code for _group, rules in response.context["form"].fields["rule"].choices[1:] for code, _label in rules]
    veto_rules = [r.code for r in frameworks[0].compiled().rules_by_code.values() if r.veto]
    assert choices == veto_rules and "paf-01-01" in choices and "paf-01-03" not in choices

    future = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    response = client.post(url, {"rule": "paf-01-03", "occurred_on": future, "description": ""})
    errors = response.context["form"].errors
    assert "rule" in errors and errors["occurred_on"] == ["发生日期不能晚于今天。"] and "description" in errors
    assert not VetoEvent.objects.exists()

    photo = SimpleUploadedFile("立案通知.jpg", jpeg_bytes(size=(200, 150)), content_type="image/jpeg")
    response = client.post(url, {"rule": "paf-01-01", "occurred_on": datetime.date.today().isoformat(), "description": "村内发生一起盗窃刑事案件", "evidence": photo}, follow=True)
    event = VetoEvent.objects.get()
    assert event.rule_code == "paf-01-01" and event.recorded_by == world.users["town_admin"] and len(event.evidence_ids) == 1
    assert Evidence.objects.get(pk=event.evidence_ids[0]).kind == "photo"
    msg = _messages(response)[0]
    assert "西辛庄村已摘除：平安法治星、支部过硬星。" in msg
    assert set(StarHolding.objects.filter(org_unit=world.village, lost_at__isnull=True).values_list("star_code", flat=True)) == {"cyxw"}

    bad = SimpleUploadedFile("假照片.jpg", b"MZ\x90\x00" + b"\x00" * 100, content_type="image/jpeg")
    response = client.post(url, {"rule": "paf-01-01", "occurred_on": datetime.date.today().isoformat(), "description": "又一起", "evidence": bad})
    assert response.status_code == 200 and "不允许上传" in response.content.decode() and VetoEvent.objects.count() == 1
    response = client.post(url, {"rule": "paf-01-04", "occurred_on": datetime.date.today().isoformat(), "description": "发生群体性事件。"}, follow=True)
    assert _messages(response)[0] == "已记录否决事项（paf-01-04 平安法治星一票否决）：发生群体性事件。西辛庄村当前未持有平安法治星，无星可摘；进行中的申报已按否决项重新计算。"
