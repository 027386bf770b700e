"""Login throttling (django-axes) for the web login and POST /api/v1/auth/token.

Two counters over the cool-off window (settings.AXES_COOLOFF_TIME):
- one user name from one address: locked after settings.AXES_FAILURE_LIMIT failures;
- one address, whatever the user names: locked after settings.AXES_ADDRESS_FAILURE_LIMIT failures
  (higher, since an office shares one address), so one address cannot try many accounts.
There is deliberately no counter per user name alone: someone elsewhere cannot lock an account out
by typing wrong passwords for it. A successful login clears only its own (user name, address)
counter, so logging into one's own account does not reset an address that is guessing others'.

The lockout answer is the Chinese page for the web and a JSON 429 under /api/.
"""

from django.conf import settings
from django.db.models import Sum
from django.http import JsonResponse
from django.shortcuts import render

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address, get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt

LOCKED_MESSAGE = "登录失败次数过多，账号已暂时锁定，请 {minutes} 分钟后再试，或联系管理员解锁。"


def _address(request) -> str | None:
    return getattr(request, "axes_ip_address", None) or get_client_ip_address(request)


class AddressAwareHandler(AxesDatabaseHandler):
    def _recent(self, request, **filters):
        rows = AccessAttempt.objects.filter(**filters)
        if settings.AXES_COOLOFF_TIME is not None:
            rows = rows.filter(attempt_time__gte=get_cool_off_threshold(request))
        return rows

    def get_failures(self, request, credentials=None) -> int:
        """Failures counted against this attempt, in units of AXES_FAILURE_LIMIT: the (user name, address)
        count, or the limit itself once the address alone has reached its own limit."""
        address = _address(request)
        username = get_client_username(request, credentials)
        total = Sum("failures_since_start")
        pair = self._recent(request, username=username, ip_address=address).aggregate(n=total)["n"] or 0
        by_address = self._recent(request, ip_address=address).aggregate(n=total)["n"] or 0
        if by_address >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            return max(pair, get_failure_limit(request, credentials))
        return pair

    def reset_user_attempts(self, request, credentials=None) -> int:
        username = get_client_username(request, credentials)
        deleted, _ = AccessAttempt.objects.filter(username=username, ip_address=_address(request)).delete()
        return deleted


def _minutes(request) -> int:
    cool_off = get_cool_off(request)
    return max(1, round(cool_off.total_seconds() / 60)) if cool_off else 15


def lockout_response(request, original_response=None, credentials=None):
    minutes = _minutes(request)
    message = LOCKED_MESSAGE.format(minutes=minutes)
    if request.path_info.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=429, json_dumps_params={"ensure_ascii": False})
    else:
        response = render(request, "registration/locked_out.html", {"message": message, "page_title": "登录已锁定"}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
