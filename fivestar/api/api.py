"""The /api/v1/ root: authentication, error shapes in Chinese, and each app's router."""

from django.contrib.auth import authenticate
from django.http import Http404
from ninja import NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, ValidationError

from .auth import BearerToken
from .models import ApiToken

api = NinjaAPI(
    title="五星支部创建管理平台 API",
    version="1.0",
    description="所有接口（除获取令牌外）需在请求头携带 `Authorization: Bearer <token>`，数据按账号角色的管辖范围过滤。",
    auth=BearerToken(),
    urls_namespace="api",
)


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


class ErrorOut(Schema):
    detail: str


@api.post("/auth/token", auth=None, response={200: TokenOut, 401: ErrorOut, 429: ErrorOut}, tags=["认证"], summary="获取接口令牌")
def issue_token(request, payload: TokenIn):
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        return Status(429, {"detail": "登录失败次数过多，账号已暂时锁定，请稍后再试。"})
    if user is None or not user.is_active:
        return Status(401, {"detail": "用户名或密码不正确。"})
    return Status(200, {"token": ApiToken.issue(user, label="api")})


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "对象不存在或不在您的管辖范围内。"}, status=404)


@api.exception_handler(AuthenticationError)
def unauthorized(request, exc):
    return api.create_response(request, {"detail": "未认证：请在请求头提供有效的 Bearer 令牌。"}, status=401)


@api.exception_handler(ValidationError)
def invalid(request, exc):
    errors = []
    for err in exc.errors:
        loc = [str(part) for part in err.get("loc", []) if part not in ("body", "payload", "query")]
        errors.append({"field": ".".join(loc), "message": _zh(err), "type": err.get("type", "")})
    return api.create_response(request, {"detail": "请求数据校验未通过。", "errors": errors}, status=422)


def _zh(err: dict) -> str:
    kind = err.get("type", "")
    messages = {
        "missing": "缺少必填字段",
        "int_parsing": "应为整数",
        "float_parsing": "应为数字",
        "bool_parsing": "应为 true 或 false",
        "string_type": "应为字符串",
        "json_invalid": "JSON 格式错误",
        "literal_error": "取值不在允许范围内",
        "enum": "取值不在允许范围内",
        "greater_than_equal": "数值过小",
        "less_than_equal": "数值过大",
        "string_too_long": "内容过长",
        "string_too_short": "内容过短",
        "value_error": str(err.get("msg", "取值无效")).removeprefix("Value error, "),
    }
    return messages.get(kind, f"取值无效（{err.get('msg', '')}）")


from fivestar.orgs.api import router as orgs_router  # noqa: E402
from fivestar.people.api import router as people_router  # noqa: E402
from fivestar.standards.api import router as standards_router  # noqa: E402

api.add_router("/", orgs_router)
api.add_router("/", people_router)
api.add_router("/", standards_router)
