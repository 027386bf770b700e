"""The phone inspection page (现场督导): a form that lives in the browser. What the inspector types and the photos
taken are kept in the browser (IndexedDB) and sent by a queue to the field API (api_field.py) until the server
confirms each one; the page itself only hands over the teams, villages, stars and rules it works with."""

import hashlib
import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.conf import settings
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from fivestar.core.ratelimit import GET, rate_limited

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
    data["sw"] = reverse("supervision:field_sw")
    context = {
        "page_title": "现场督导",
        "field_json": _json_script(data),
        "tabs": tabs(request.user, "field"),
        "breadcrumbs": crumbs({"label": "现场督导"}),
    }
    return render(request, "supervision/field.html", context)



# What the page loads (base.html's vendored assets, then the page's own): kept by the service worker.
OFFLINE_ASSETS = (
    "vendor/bootstrap-5.3.9/css/bootstrap.min.css", "vendor/bootstrap-icons-1.13.2/font/bootstrap-icons.min.css",
    "vendor/bootstrap-5.3.9/js/bootstrap.bundle.min.js", "vendor/htmx.org-2.0.11/htmx.min.js",
    "vendor/alpinejs-3.17.5/alpine.min.js", "js/fivestar.js", "css/fivestar.css", "css/supervision-field.css",
    "js/field-store.js", "js/field-queue.js", "js/field-photo.js", "js/field-form.js", "js/field-page.js",
)


@never_cache
@rate_limited("public_page", GET)  # reachable without a login, like every public view
@require_GET
def field_sw(request):
    """The page's service worker, served from the page's path so its scope covers the page."""
    assets = [static(name) for name in OFFLINE_ASSETS]
    version = hashlib.sha256("|".join(assets).encode()).hexdigest()[:12]
    config = {"version": version, "page": reverse("supervision:field"), "static": settings.STATIC_URL, "assets": assets}
    return render(request, "supervision/field_sw.js", {"config": mark_safe(json.dumps(config))},
                  content_type="application/javascript; charset=utf-8")


# As json_script, but Chinese left as UTF-8 (a third of the \uXXXX escapes' size on a weak connection).
_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _json_script(data) -> str:
    return mark_safe(json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_ESCAPES))
