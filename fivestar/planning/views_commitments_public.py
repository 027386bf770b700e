"""A village's commitments on the public side (no login): this month's commitments and last month's results with
the town's grades, showing only names and posts (职务) of the people, never a phone number or anything else
personal; photos of the evidence stay behind the login (the page only says how many there are). Three queries
(the village, the frameworks' star names, the commitments), cacheable for a minute.

For the village notice board, the town's and the village's users print a page with the QR code of that address."""

import io

import qrcode
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from fivestar.core.ratelimit import GET, rate_limited
from fivestar.orgs.models import Level, OrgUnit

from . import commitment_rows as rows
from .services.stars import StarCatalog
from .views_common import crumbs, today, visible_unit

PUBLIC_NOT_FOUND = "该村（社区）不存在"


def _public_village(code) -> OrgUnit:
    code = str(code or "").strip()
    village = None
    if code.isdigit() and len(code) <= 15:
        village = OrgUnit.objects.select_related("parent").filter(code=code, level=Level.VILLAGE, active=True).first()
    if village is None:
        raise Http404(PUBLIC_NOT_FOUND)
    return village


def _star_names(village) -> dict[str, str]:
    return {code: star.name for code, star in StarCatalog(village).stars(village.branch_type).items()}


@rate_limited("public_page", GET)
@require_GET
@cache_control(public=True, max_age=60)
def public_page(request, code):
    village = _public_village(code)
    on = today()
    sections = rows.public_sections(village, on)
    names = _star_names(village) if any(r.star_code for s in sections for r in s.rows) else {}
    for section in sections:
        for row in section.rows:
            row.star_name = names.get(row.star_code, "")
    return render(request, "planning/public_commitments.html", {
        "village": village, "sections": sections, "today": on, "issuer": village.parent.display_name if village.parent else "",
    })


def public_url(request, village) -> str:
    return request.build_absolute_uri(reverse("planning_public:commitments", args=[village.code]))


@login_required
@require_GET
def qr_page(request, code):
    """A printable A4 page for the village notice board: the village's name and the QR code of its public page."""
    village = visible_unit(request.user, code, levels=(Level.VILLAGE,))
    return render(request, "planning/commitments_qr.html", {
        "village": village, "public_url": public_url(request, village), "page_title": f"承诺公示二维码 · {village.display_name}",
        "breadcrumbs": crumbs({"label": f"{village.display_name} 月度承诺", "url": reverse("planning:commitments_unit", args=[village.code])},
                              {"label": "公示二维码"}),
    })


@login_required
@require_GET
def qr_png(request, code):
    village = visible_unit(request.user, code, levels=(Level.VILLAGE,))
    image = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=2)
    image.add_data(public_url(request, village))
    image.make(fit=True)
    buffer = io.BytesIO()
    image.make_image().save(buffer, format="PNG")
    response = HttpResponse(buffer.getvalue(), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response
