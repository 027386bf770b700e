"""The public notice's per-address limits (fivestar/core/ratelimit.py): the objection form takes N posts, the next
is a Chinese 429 and stores nothing, another address still gets through; the pages and QR codes likewise."""

import pytest
from django.test import Client, override_settings

from fivestar.rating.models import Assessment, Objection, ObjectionQuota

from .notice_helpers import round_in_notice

REASON = "该村主题党日活动记录与实际不符，请核实"


@pytest.fixture
def notice_round(world, make_round):
    return round_in_notice(world, make_round)


def _post(rnd, branch, address, reason=REASON):
    return Client().post(f"/public/{rnd.public_token}/towns/410928103/", {"branch": branch.pk, "reason": reason},
                         REMOTE_ADDR=address)


@pytest.mark.django_db
@override_settings(FIVESTAR_RATE_LIMITS={"objection": (3, 600)})
def test_objection_form_limit(world, notice_round):
    a = Assessment.objects.get(round=notice_round, org_unit=world.village)
    # Posts that fail validation count too: the limit is on posting, the service's quota on objections kept.
    assert _post(notice_round, a, "10.8.8.8", reason="短").status_code == 400
    assert [_post(notice_round, a, "10.8.8.8").status_code for _ in range(2)] == [302, 302]
    response = _post(notice_round, a, "10.8.8.8")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "操作过于频繁" in html and "同一网络地址10 分钟内最多3次" in html
    assert Objection.objects.filter(round=notice_round).count() == 2  # nothing stored by the refused post
    assert sum(ObjectionQuota.objects.filter(round=notice_round).values_list("count", flat=True)) == 2
    assert _post(notice_round, a, "10.8.8.9").status_code == 302
    assert Objection.objects.filter(round=notice_round).count() == 3
    # Reading the notice is counted apart from posting to it.
    assert Client().get(f"/public/{notice_round.public_token}/towns/410928103/", REMOTE_ADDR="10.8.8.8").status_code == 200


@pytest.mark.django_db
@override_settings(FIVESTAR_RATE_LIMITS={"public_page": (2, 60), "public_qr": (1, 60)})
@pytest.mark.parametrize("path,name", [("", "public_page"), ("towns/410928103/", "public_page"),
                                       ("towns/410928103/print/", "public_page"), ("units/410928/", "public_page"),
                                       ("qr.png", "public_qr"), ("towns/410928103/qr.png", "public_qr")])
def test_public_pages_and_qr_codes_limit(world, notice_round, path, name):
    url = f"/public/{notice_round.public_token}/{path}"
    allowed = 2 if name == "public_page" else 1
    client = Client()
    for _ in range(allowed):
        assert client.get(url, REMOTE_ADDR="10.6.6.6").status_code in (200, 302)
    refused = client.get(url, REMOTE_ADDR="10.6.6.6")
    assert refused.status_code == 429 and "访问过于频繁" in refused.content.decode()
    assert client.get(url, REMOTE_ADDR="10.6.6.7").status_code in (200, 302)
