"""/api/v1/auth/…: the caller's own tokens (logout, list, revoke) and password change.

Token issue (POST /auth/token) lives in fivestar.api.api; throttling of it is django-axes (see
fivestar.core.login_throttle), which answers a JSON 429 in Chinese.
"""

from datetime import datetime

from ninja import Router, Schema, Status

from fivestar.core.passwords import change_blocked_message, change_form, change_own_password, form_errors, record_failed_change

from .auth import BearerToken
from .tokens import list_tokens, revoke_token

router = Router(tags=["认证"])


class ErrorOut(Schema):
    detail: str


class FieldError(Schema):
    field: str
    message: str


class FormErrorOut(Schema):
    detail: str
    errors: list[FieldError]


class DoneOut(Schema):
    detail: str


class TokenInfo(Schema):
    id: int
    label: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime
    current: bool


class PasswordIn(Schema):
    old_password: str
    new_password: str


@router.post("/auth/logout", auth=BearerToken(allow_must_change=True), response={200: DoneOut}, summary="退出（撤销当前令牌）")
def logout(request):
    revoke_token(request.user, request.api_token.pk)
    return Status(200, {"detail": "已退出，当前令牌已撤销。"})


@router.get("/auth/tokens", response={200: list[TokenInfo]}, summary="我的接口令牌（有效的）")
def tokens(request):
    current = request.api_token.pk
    return Status(200, [
        {"id": t.pk, "label": t.label, "created_at": t.created_at, "last_used_at": t.last_used_at,
         "expires_at": t.expires_at, "current": t.pk == current}
        for t in list_tokens(request.user)
    ])


@router.delete("/auth/tokens/{token_id}", response={204: None, 404: ErrorOut}, summary="撤销我的一个接口令牌")
def token_revoke(request, token_id: int):
    if not revoke_token(request.user, token_id):
        return Status(404, {"detail": "令牌不存在、已失效或不属于您。"})
    return Status(204, None)


@router.post("/auth/password", auth=BearerToken(allow_must_change=True),
             response={200: DoneOut, 422: FormErrorOut, 429: ErrorOut}, summary="修改我的密码（撤销全部令牌）")
def password(request, payload: PasswordIn):
    blocked = change_blocked_message(request.user)
    if blocked:
        return Status(429, {"detail": blocked})
    form = change_form(request.user, {
        "old_password": payload.old_password, "new_password1": payload.new_password, "new_password2": payload.new_password,
    })
    if not form.is_valid():
        record_failed_change(request.user, form)
        return Status(422, {"detail": "密码未修改。", "errors": form_errors(form)})
    change_own_password(request.user, form)
    return Status(200, {"detail": "密码已修改，您的全部接口令牌和其他登录均已失效，请用新密码重新获取令牌。"})
