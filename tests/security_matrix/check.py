"""Run one route of the matrix: for every role a request in scope and one out of scope, and one anonymous request.
Every request runs in a savepoint that is rolled back, so a write in scope does not change what the next role sees."""

import json
import logging
from dataclasses import dataclass
from urllib.parse import urlencode
from http.cookies import SimpleCookie

from django.apps import apps
from django.db import connection, transaction
from django.test import Client

from .bodies import BINARY, request_body, required_query
from .kinds import HIDDEN, KINDS, ROLES, out_village, place_of_level
from .routes import Route
from .spec import R
from .world import PLACES, MatrixWorld, marker, png, zipped_text

OK_READ = {200, 204, 301, 302, 303}
# A write the role may make answers with its result, or (the matrix sends a minimal body) with a validation message.
OK_WRITE = OK_READ | {201, 202, 400, 409, 422}
DENIED = {403, 404}
FORM_REFUSAL = {200, 302, 400}
ZIP_TYPES = ("application/vnd.openxmlformats", "application/zip")


@dataclass
class Result:
    role: str
    side: str  # in | out | anon
    method: str
    path: str
    status: int
    problem: str = ""
    shown: frozenset = frozenset()  # the places whose markers the response shows


def _content_text(response) -> str | None:
    """What the response shows, as text to look for markers in (None for pictures and PDFs)."""
    data = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    kind = response.get("Content-Type", "")
    if "json" in kind:
        try:
            return json.dumps(json.loads(data), ensure_ascii=False)
        except ValueError:
            return data.decode("utf-8", "ignore")
    if kind.startswith(ZIP_TYPES):
        try:
            return zipped_text(data)
        except Exception:  # noqa: BLE001 - not an Office file after all: read it as bytes
            return data.decode("utf-8", "ignore")
    if kind.startswith(("text/", "application/javascript")) or not kind:
        return data.decode("utf-8", "ignore")
    return None


def fingerprint() -> tuple:
    """Row counts of every table the project writes: a refused write must leave them as they were."""
    tables = sorted({m._meta.db_table for m in apps.get_models() if m._meta.app_label not in IGNORED_APPS and m._meta.managed})
    sql = " UNION ALL ".join(f"SELECT '{t}', COUNT(*) FROM {connection.ops.quote_name(t)}" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(cursor.fetchall())


def changed_tables(before, after) -> list[str]:
    counts = [a[0] for a, b in zip(after[0], before[0]) if a != b]
    return counts + (["（所涉对象的字段）"] if after[1] != before[1] else [])


# Sessions, login throttling and the admin log are written by authentication, not by the routes under test.
IGNORED_APPS = {"sessions", "axes", "admin", "contenttypes"}


class Runner:
    def __init__(self, mw: MatrixWorld, schema: dict):
        self.mw = mw
        self.schema = schema
        self.components = schema.get("components", {}).get("schemas", {})
        self.clients = {}

    # Requests ----------------------------------------------------------------------------------------------------
    def client(self, role: str | None, kind: str) -> Client:
        """One client per role and kind for the whole run: a new Client builds the middleware chain again, and
        WhiteNoise then walks every static file (that was more than half the matrix's time)."""
        key = (role, kind)
        if key not in self.clients:
            self.clients[key] = Client()
        client = self.clients[key]
        client.cookies = SimpleCookie({k: v.value for k, v in self.mw.sessions[role].items()} if role and kind == "web" else {})
        return client

    def send(self, role: str | None, route: Route, entry: R, path: str, values: dict):
        """One request; `values` may hold "?name" (a query parameter) and ".name" (a body field) besides the path's."""
        client = self.client(role, route.kind)
        headers = {}
        if route.kind == "api" and role is not None:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {self.mw.tokens[role]}"
        method = "POST" if route.kind == "web" and entry.post else route.method
        query = {k[1:]: v for k, v in values.items() if k.startswith("?")}
        fields = {k[1:]: v for k, v in values.items() if k.startswith(".")}
        if route.kind == "api":
            op = self.schema["paths"][route.template][route.method.lower()]
            query = {**required_query(op, self.components), **query}
        if query:
            path += "?" + urlencode(query)
        given = entry.body(values) if callable(entry.body) else (entry.body or {})
        if route.kind == "web":
            return method, (client.get(path, **headers) if method == "GET" else client.post(path, {**given, **fields}, **headers))
        if method == "GET":
            return method, client.get(path, **headers)
        kind, body = request_body(op, self.components)
        body = {**(body or {}), **given, **fields}
        if kind == "multipart":
            files = {k: ([png()] if isinstance(v, list) and BINARY in v else png() if v is BINARY else v) for k, v in body.items()}
            return method, client.post(path, files, **headers)
        return method, client.generic(method, path, json.dumps(body or {}), content_type="application/json", **headers)

    def fingerprint(self, kinds: dict, values: dict) -> tuple:
        """Row counts of every table, and every field of the objects the request names (an update changes no count)."""
        rows = []
        for name, kind in kinds.items():
            objects = self.mw.obj.get(kind.strip("[]"))
            if objects:
                model = type(next(iter(objects.values())))
                rows.append(tuple(model.objects.filter(pk=values[name][0] if isinstance(values[name], list) else values[name]).values()))
        return fingerprint(), tuple(map(str, rows))

    # Places and values -------------------------------------------------------------------------------------------
    def values_for(self, role: str, side: str, kinds: dict, primary: str | None, town_wide: bool = False) -> dict | None:
        """Parameter values for the role's in-scope place (V, its town T, county C) or its nearest out-of-scope place
        at the level of the primary parameter; None when the role has nothing out of scope at that level."""
        names = sorted((n for n in kinds if KINDS[kinds[n].strip("[]")].level != "const"), key=lambda n: n[0] in "?.=")
        primary = primary or (names[0] if names else None)
        if primary is None:
            return {name: KINDS[k].get(self.mw, "V") for name, k in kinds.items()} if side == "in" else None
        level = KINDS[kinds[primary].strip("[]")].level
        if level == "own":
            who = role if side == "in" else "X"
            return {name: KINDS[k].get(self.mw, who) for name, k in kinds.items()}
        village = "V" if side == "in" else out_village(role, level)
        if town_wide and village == "S":
            village = "O"  # the village's own town is its catalogue: the other town's is out of scope
        if village is None:
            return None
        values = {}
        for name, k in kinds.items():
            kind = KINDS[k.strip("[]")]
            place = village if kind.level in ("const", "own") else place_of_level(kind.level, village)
            value = kind.get(self.mw, place)
            values[name] = [value] if k.startswith("[") else value  # "[vpk]": a list of one
        return values

    # One route ---------------------------------------------------------------------------------------------------
    def run(self, route: Route, entry: R, kinds_sets: list[dict]) -> list[Result]:
        # Every refusal would be logged with its traceback by django.request (and formatted by pytest's log capture):
        # thousands of them cost more than the requests. Server errors are still logged.
        request_log = logging.getLogger("django.request")
        level = request_log.level
        request_log.setLevel(logging.ERROR)
        try:
            return self._run(route, entry, kinds_sets)
        finally:
            request_log.setLevel(level)

    def _run(self, route: Route, entry: R, kinds_sets: list[dict]) -> list[Result]:
        results = []
        for index, kinds in enumerate(kinds_sets):
            who = entry.who if index == 0 else entry.variants[index - 1].get("who", entry.who)
            for role in ROLES:
                for side in ("in", "out"):
                    values = self.values_for(role, side, kinds, entry.primary, entry.town_wide)
                    if values is None:
                        continue
                    results.append(self._one(route, entry, who, role, side, values, kinds))
            values = self.values_for(ROLES[0], "in", kinds, entry.primary)
            results.append(self._anonymous(route, entry, values))
        return results

    def _one(self, route: Route, entry: R, who, role: str, side: str, values: dict, kinds: dict) -> Result:
        path = route.path(**{k: v for k, v in values.items() if k in route.params})
        writes = route.method != "GET" or entry.post
        # A write out of scope, or a form a role without the right posts in scope, must change no row.
        watch = writes and (side == "out" or (entry.post and who is not None and role not in who))
        with transaction.atomic():
            before = self.fingerprint(kinds, values) if watch else None
            method, response = self.send(role, route, entry, path, values)
            status = response.status_code
            text = _content_text(response) if status < 500 else None
            after = self.fingerprint(kinds, values) if before is not None else None
            transaction.set_rollback(True)
        result = Result(role, side, method, path, status, shown=frozenset(p for p in PLACES if text and marker(p) in text))
        result.problem = self.judge(entry, who, role, side, method, response, text, before, after)
        return result

    def _anonymous(self, route: Route, entry: R, values: dict) -> Result:
        path = route.path(**{k: v for k, v in values.items() if k in route.params})
        with transaction.atomic():
            method, response = self.send(None, route, entry, path, values)
            transaction.set_rollback(True)
        status = response.status_code
        result = Result("anonymous", "anon", method, path, status)
        if route.kind == "api":
            if status != 401:
                result.problem = f"匿名访问应返回 401，实际 {status}"
        elif not (status in (302, 303) and "/login/" in response.get("Location", "")):
            result.problem = f"匿名访问应跳转登录页，实际 {status} {response.get('Location', '')}"
        return result

    def judge(self, entry, who, role, side, method, response, text, before, after) -> str:
        status = response.status_code
        to_login = status in (301, 302, 303) and "/login/" in response.get("Location", "")
        if status >= 500:
            return f"服务器错误 {status}"
        hidden = (HIDDEN[role] - entry.visible_to(role)) | {"X"}
        shown = [p for p in hidden if text is not None and marker(p) in text]
        if side == "out":
            if status not in DENIED | entry.out_ok:
                return f"范围外应拒绝（403/404），实际 {status}"
            if before != after:
                return f"范围外的写操作被拒绝但数据已改变：{changed_tables(before, after)}"
            if shown:
                return f"拒绝页面显示了范围外数据：{shown}"
            return ""
        if shown:
            return f"显示了范围外的数据：{sorted(shown)}"
        if to_login:
            return "已登录却被跳转到登录页"
        if who is None:
            return ""
        ok = OK_READ if method == "GET" else OK_WRITE
        if role in who:
            return "" if status in ok else f"范围内应允许，实际 {status}"
        if status in DENIED:
            return ""
        if entry.post and status in FORM_REFUSAL:
            # A page form may refuse with its message (the form again, or back to the page) instead of a 403.
            return "" if before == after else f"无权办理的角色提交表单后数据被改变：{changed_tables(before, after)}"
        return f"该角色无权办理，应拒绝（403/404），实际 {status}"
