"""Everything the project serves: each URL pattern of fivestar.urls (walked recursively, namespaces kept) and each
operation of the django-ninja API (read from its OpenAPI document), as `Route`s with the names of their parameters.

Web routes are keyed by their namespaced URL name ("people:detail"); API operations by "METHOD /path" as the
OpenAPI document spells it ("GET /api/v1/people/{person_id}"), because several operations share one URL name."""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")
API_PREFIX = "api/v1/"


@dataclass(frozen=True)
class Route:
    key: str  # "people:detail" or "GET /api/v1/people/{person_id}"
    kind: str  # "web" | "api"
    method: str  # "GET" for web routes until the spec says otherwise; the operation's method for the API
    template: str  # "/people/{pk}/" — fill with str.format
    params: tuple[str, ...]

    def path(self, **values) -> str:
        return self.template.format(**values)


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace]))
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield (f"{namespace}:{p.name}" if namespace else (p.name or "")), prefix + str(p.pattern)


ADMIN_PREFIX = "django-admin/"  # Django's admin site: staff only (test_django_admin_is_for_staff_only)


def _shape(template: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", template)


def web_routes(api_paths=()) -> list[Route]:
    """Every URL pattern except Django's admin site and the API's operations (enumerated from the OpenAPI document
    instead); a pattern under /api/v1/ that is no operation of the document (its root, the document itself) is
    listed here like any page."""
    operations = {_shape(p) for p in api_paths}
    routes = []
    for name, pattern in _walk(get_resolver().url_patterns):
        if pattern.startswith(ADMIN_PREFIX):
            continue
        params = tuple(m.group("name") for m in PARAM.finditer(pattern))
        template = "/" + PARAM.sub(lambda m: "{" + m.group("name") + "}", pattern)
        template = template.replace("\\", "")
        if pattern.startswith(API_PREFIX) and _shape(template) in operations:
            continue
        routes.append(Route(key=name or template, kind="web", method="GET", template=template, params=params))
    return routes


def api_routes(schema: dict) -> list[Route]:
    routes = []
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            params = tuple(p["name"] for p in op.get("parameters", []) if p["in"] == "path")
            routes.append(Route(key=f"{method.upper()} {path}", kind="api", method=method.upper(), template=path, params=params))
    return routes


def api_schema() -> dict:
    from fivestar.api.api import api

    return api.get_openapi_schema()


def all_routes() -> list[Route]:
    schema = api_schema()
    return web_routes(schema["paths"]) + api_routes(schema)
