"""The phone inspection page (现场督导): a form that lives in the browser. What the inspector types and the photos
taken are kept in the browser (IndexedDB) and sent by a queue to the field API (api_field.py) until the server
confirms each one; the page itself only hands over the teams, villages, stars and rules it works with."""

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.gzip import gzip_page

from .field_context import may_use_field, page_data
from .views_common import crumbs, tabs


@login_required
@never_cache
@gzip_page
def field(request):
    if not may_use_field(request.user):
        raise PermissionDenied("您没有督导检查的权限。")
    data = page_data(request.user, timezone.localdate())
    data["api"] = {
        "inspections": reverse("api:field_inspection"),
        "problems": reverse("api:field_problem"),
        "photos": reverse("api:field_photo"),
    }
    context = {
        "page_title": "现场督导",
        "field_json": _json_script(data),
        "tabs": tabs(request.user, "field"),
        "breadcrumbs": crumbs({"label": "现场督导"}),
    }
    return render(request, "supervision/field.html", context)



# As json_script, but Chinese left as UTF-8 (a third of the \uXXXX escapes' size on a weak connection).
_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _json_script(data) -> str:
    return mark_safe(json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_ESCAPES))
