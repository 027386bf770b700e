"""Request hygiene and response headers applied to every page and API call.

- Every text value of a form post or a query string is passed through `clean_text` before any view
  (form or direct `request.POST` read) sees it, so no view can forget: NUL (which PostgreSQL refuses),
  bidirectional overrides and zero-width characters never reach the database. Usernames and passwords
  are left as typed: a username with such characters is refused by its validator, a password is only hashed.
- A path with control or invisible characters is refused with 400 (a NUL in a path would reach a query).
- Under /api/ every error is JSON with a Chinese message, including Django's own 404 and ninja's 405.
- A Content-Security-Policy header with a per-request nonce (`request.csp_nonce`) goes on every response.
"""

import json
import secrets

from django.http import HttpResponse, JsonResponse, QueryDict

from .text import clean_text, has_invisible

API_PREFIX = "/api/"

# Left exactly as typed (see the module docstring); the CSRF token is ASCII by construction.
UNTOUCHED_KEYS = frozenset({
    "username", "password", "password1", "password2", "old_password", "new_password1", "new_password2",
    "csrfmiddlewaretoken",
})

API_STATUS_MESSAGES = {
    400: "请求格式错误。",
    401: "未认证：请在请求头提供有效的 Bearer 令牌。",
    403: "无权执行该操作。",
    404: "接口或对象不存在。",
    405: "该接口不支持此请求方法。",
    413: "请求内容过大。",
    415: "不支持的请求内容类型。",
    429: "请求过于频繁，请稍后再试。",
    500: "服务器内部错误，请稍后再试或联系管理员。",
}

BAD_PATH = "请求地址含有不可见或控制字符。"


def clean_querydict(data: QueryDict) -> QueryDict:
    if not any(isinstance(v, str) and has_invisible(v) for key, values in data.lists() for v in [key, *values]):
        return data
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        if key in UNTOUCHED_KEYS or "password" in key:
            cleaned.setlist(key, values)
        else:
            cleaned.setlist(clean_text(key), [clean_text(v) if isinstance(v, str) else v for v in values])
    cleaned._mutable = False
    return cleaned


def is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


class InputHygieneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_invisible(request.path_info):
            if is_api(request):
                return JsonResponse({"detail": BAD_PATH}, status=400, json_dumps_params={"ensure_ascii": False})
            return HttpResponse(BAD_PATH, status=400, content_type="text/plain; charset=utf-8")
        response = self.get_response(request)
        if is_api(request) and response.status_code >= 400 and not _is_json(response):
            return _api_error(response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        # The API cleans its own input in its parser (fivestar.api.parser), where JSON is read.
        if is_api(request):
            return None
        request.GET = clean_querydict(request.GET)
        if request.method == "POST":
            request.POST = clean_querydict(request.POST)
        return None


def _is_json(response) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


def _api_error(response):
    message = API_STATUS_MESSAGES.get(response.status_code) or ("请求无法处理。" if response.status_code < 500 else API_STATUS_MESSAGES[500])
    replacement = HttpResponse(json.dumps({"detail": message}, ensure_ascii=False), status=response.status_code,
                               content_type="application/json; charset=utf-8")
    for header in ("Allow", "WWW-Authenticate", "Retry-After"):
        if header in response:
            replacement[header] = response[header]
    return replacement


# Alpine.js (standard build, vendored) evaluates its attribute expressions with `new Function`, so
# scripts need 'unsafe-eval'; every <script> element still needs the per-request nonce or to come from
# our own origin, so an injected <script> or inline handler does not run. Bootstrap and htmx set inline
# styles, hence style-src 'unsafe-inline'. QR codes and evidence thumbnails are same-origin images; data:
# covers Bootstrap's inline SVG icons.
CSP_TEMPLATE = (
    "default-src 'self'; "
    "script-src 'self' 'nonce-{nonce}' 'unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; "
    "font-src 'self' data:; "
    "connect-src 'self'; "
    "object-src 'none'; "
    "base-uri 'self'; "
    "form-action 'self'; "
    "frame-ancestors 'self'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = CSP_TEMPLATE.format(nonce=request.csp_nonce)
        response.setdefault("X-Content-Type-Options", "nosniff")
        return response
