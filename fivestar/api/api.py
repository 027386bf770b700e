"""The /api/v1/ root: authentication, error shapes in Chinese, and each app's router."""

from django.contrib.auth import authenticate
from django.http import Http404
from ninja import NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from pydantic import Field

from fivestar.core.middleware import API_STATUS_MESSAGES
from fivestar.core.ratelimit import ANY, AddressThrottle, rate_limited

from .auth import BearerToken
from .errors import translate
from .models import ApiToken
from .parser import BodyNotJson, CleaningParser, InputRefused

api = NinjaAPI(
    title="五星支部创建管理平台 API",
    version="1.0",
    description="所有接口（除获取令牌外）需在请求头携带 `Authorization: Bearer <token>`，数据按账号角色的管辖范围过滤。",
    auth=BearerToken(),
    urls_namespace="api",
    parser=CleaningParser(),
    docs_decorator=rate_limited("api_docs", ANY),  # the document is built from every route on each request, whatever the method
)


class TokenIn(Schema):
    username: str = Field(..., max_length=150)
    password: str = Field(..., max_length=4096)


class TokenOut(Schema):
    token: str


class ErrorOut(Schema):
    detail: str


@api.post("/auth/token", auth=None, throttle=AddressThrottle("api_token"), response={200: TokenOut, 401: ErrorOut, 429: ErrorOut},
          tags=["认证"], summary="获取接口令牌")
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
    return api.create_response(request, {"detail": "请求数据校验未通过。", "errors": [translate(e) for e in exc.errors]}, status=422)


@api.exception_handler(HttpError)
def http_error(request, exc):
    """ninja wraps parser errors in a 400 "Cannot parse request body": say why, in Chinese."""
    cause = exc.__cause__
    if isinstance(cause, InputRefused):
        error = {"field": cause.field, "message": cause.message, "type": cause.kind}
        return api.create_response(request, {"detail": "请求数据校验未通过。", "errors": [error]}, status=422)
    if isinstance(cause, BodyNotJson):
        return api.create_response(request, {"detail": "请求体不是有效的 JSON，请检查格式（引号、逗号、括号）。"}, status=400)
    message = str(exc)
    if message.isascii():  # ninja's own English messages
        message = API_STATUS_MESSAGES.get(exc.status_code, "请求无法处理。")
    return api.create_response(request, {"detail": message}, status=exc.status_code)


from fivestar.orgs.api import router as orgs_router  # noqa: E402

from .account_api import router as account_router  # noqa: E402
from fivestar.people.api import router as people_router  # noqa: E402
from fivestar.standards.api import router as standards_router  # noqa: E402
from fivestar.rating.api import router as rating_router  # noqa: E402
from fivestar.rating.api_review import router as review_router  # noqa: E402
from fivestar.rating.api_rounds import router as rounds_router  # noqa: E402
from fivestar.rating.api_assessments import router as assessments_router  # noqa: E402
from fivestar.rating.api_results import router as results_router  # noqa: E402
from fivestar.rating.api_deadlines import router as deadlines_router  # noqa: E402
from fivestar.core.api import router as history_router  # noqa: E402
from fivestar.supervision.api_field import router as supervision_field_router  # noqa: E402
from fivestar.supervision.api import router as supervision_router  # noqa: E402
from fivestar.planning.api import router as planning_router  # noqa: E402
from fivestar.meetings.api import router as meetings_router  # noqa: E402
from fivestar.observation.api import router as observation_router  # noqa: E402
from fivestar.activities.api import router as activities_router  # noqa: E402
from fivestar.activities.api_edit import router as activities_edit_router  # noqa: E402
from fivestar.boards.api import router as boards_router  # noqa: E402
from fivestar.boards.screens.api import router as board_screens_router  # noqa: E402
from fivestar.projects.api import router as projects_router  # noqa: E402
from fivestar.projects.api_files import router as projects_files_router  # noqa: E402
from fivestar.reviews.api import router as reviews_router  # noqa: E402

api.add_router("/", account_router)
api.add_router("/", orgs_router)
api.add_router("/", people_router)
api.add_router("/", standards_router)
api.add_router("/", rating_router)
api.add_router("/", review_router)
api.add_router("/", rounds_router)
api.add_router("/", assessments_router)
api.add_router("/", results_router)
api.add_router("/", deadlines_router)
api.add_router("/", history_router)
api.add_router("/", supervision_field_router)
api.add_router("/", supervision_router)
api.add_router("/", planning_router)
api.add_router("/", meetings_router)
api.add_router("/", observation_router)
api.add_router("/", activities_router)
api.add_router("/", activities_edit_router)
api.add_router("/", boards_router)
api.add_router("/", board_screens_router)
api.add_router("/", projects_router)
api.add_router("/", projects_files_router)
api.add_router("/", reviews_router)
