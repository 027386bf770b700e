"""我的账号: the account's own API tokens (list, revoke) and changing its own password."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from fivestar.api.tokens import list_tokens, revoke_token

from .passwords import (
    MUST_CHANGE_MESSAGE, change_blocked_message, change_form, change_own_password, must_change_password, record_failed_change,
)


@login_required
def account(request):
    return render(request, "core/account.html", {
        "page_title": "我的账号",
        "tokens": list_tokens(request.user),
        "token_ttl_hours": settings.API_TOKEN_TTL_HOURS,
        "breadcrumbs": [{"label": "我的账号"}],
    })


@login_required
@require_POST
def token_revoke(request, pk: int):
    if revoke_token(request.user, pk):
        messages.success(request, "接口令牌已撤销，使用它的程序将无法再访问接口。")
    else:
        messages.error(request, "该令牌不存在或已失效。")
    return redirect("core:account")


@login_required
def password_change(request):
    forced = must_change_password(request.user)
    blocked = change_blocked_message(request.user) if request.method == "POST" else ""
    form = change_form(request.user, request.POST if request.method == "POST" and not blocked else None)
    if blocked:
        messages.error(request, blocked)
    elif request.method == "POST" and not form.is_valid():
        record_failed_change(request.user, form)
    if request.method == "POST" and not blocked and form.is_valid():
        change_own_password(request.user, form)
        update_session_auth_hash(request, form.user)
        messages.success(request, "密码已修改。其他设备上的登录和所有接口令牌均已失效。")
        return redirect("core:account")
    return render(request, "core/password_change.html", {
        "page_title": "修改密码",
        "form": form,
        "forced": forced,
        "forced_message": MUST_CHANGE_MESSAGE,
        "breadcrumbs": [] if forced else [{"label": "我的账号", "url": "/account/"}, {"label": "修改密码"}],
    })
