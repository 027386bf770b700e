"""After an administrator's password reset, every page leads to 修改密码 until the account has chosen its
own password. The API (token authentication, no session) answers 403 there: see fivestar.api.auth."""

from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .passwords import must_change_password

EXEMPT_PREFIXES = ("/api/", "/static/", "/media/")


class ForcePasswordChangeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        user = getattr(request, "user", None)
        if (
            user is not None
            and not path.startswith(EXEMPT_PREFIXES)
            and path not in (reverse("core:password_change"), reverse("logout"))
            and must_change_password(user)
        ):
            target = reverse("core:password_change")
            if request.headers.get("HX-Request"):
                response = HttpResponse(status=200)
                response["HX-Redirect"] = target
                return response
            return redirect(target)
        return self.get_response(request)
