"""The whole API fuzzed from its own OpenAPI document with schemathesis, in process through the WSGI application, as a
系统管理员 and as a village secretary, against a small populated world (fuzz_world.py) so that path ids hit real objects
some of the time. Every operation gets valid (positive) and invalid (negative) data. Checks: no 5xx; every 4xx is JSON
whose `detail` is Chinese; a response the document declares conforms to its schema.

Bounded: EXAMPLES per operation and role (env FIVESTAR_FUZZ_EXAMPLES), derandomized so CI runs the same cases every
time (FIVESTAR_FUZZ_SEED=<integer> for another run), and a module budget (FIVESTAR_FUZZ_BUDGET seconds, about two
thirds of it for the sysadmin): once spent, the operations left run MIN_EXAMPLES each so every one is still called,
and the summary line (printed under "bench") says how many. FIVESTAR_FUZZ_OPERATIONS (a regex on "METHOD /path")
replays some operations only. The hand-written fuzzer (test_fuzz.py) stays: it sends the nastiest values on purpose;
this one explores the whole document."""

import os
import re
import time

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from fivestar.core.roles import Role
from fivestar.rating.tests.conftest import frameworks, make_round  # noqa: F401 - fixtures

from .fuzz_world import FuzzWorld, served_schema

# The budget bounds the module; the project-wide 300 s per test is too tight for one role on a busy machine.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("schemathesis"), pytest.mark.timeout(900)]

MIN_EXAMPLES = 2
PER_OPERATION = int(os.environ.get("FIVESTAR_FUZZ_EXAMPLES", 10))
# The village secretary is refused most operations early (403/404): half as many cases find as much there.
EXAMPLES = {Role.SYSADMIN: PER_OPERATION, Role.VILLAGE_CADRE: max(PER_OPERATION // 2, MIN_EXAMPLES)}
BUDGET = float(os.environ.get("FIVESTAR_FUZZ_BUDGET", 170))  # seconds for the whole module, both roles
SHARE = {Role.SYSADMIN: 0.65, Role.VILLAGE_CADRE: 1.0}  # of the budget spent when each role's run must stop
SEED = os.environ.get("FIVESTAR_FUZZ_SEED", "")
ONLY = re.compile(os.environ.get("FIVESTAR_FUZZ_OPERATIONS", ""))  # e.g. "PUT /api/v1/projects/" to replay one operation
CJK = re.compile("[\u4e00-\u9fff]")

# Operations that would end the caller's own session: the token is issued afresh for every case, but changing the
# password or deactivating the caller would lock every later case out. Their own tests cover them
# (fivestar/api/tests/test_tokens.py, fivestar/people/tests/test_api.py).
EXCLUDED = {("POST", "/api/v1/auth/password")}

SPENT = {"started": None}


def chinese_error_detail(ctx, response, case):
    """Every 4xx is JSON with a Chinese `detail` (and Chinese messages naming the field for each listed error)."""
    if not 400 <= response.status_code < 500:
        return None
    content_type = (response.headers.get("content-type") or [""])[0]
    assert content_type.startswith("application/json"), f"{response.status_code} is not JSON: {content_type!r} {response.content[:200]!r}"
    data = response.json()
    assert isinstance(data, dict) and isinstance(data.get("detail"), str) and CJK.search(data["detail"]), \
        f"{response.status_code} without a Chinese detail: {data!r}"[:500]
    for error in data.get("errors", []):
        assert CJK.search(error.get("message", "")) and "field" in error, f"error without a Chinese message: {error!r}"
    return None


CHECKS = [not_a_server_error, chinese_error_detail, response_schema_conformance]


@pytest.fixture
def populated(world, frameworks, make_round, django_capture_on_commit_callbacks, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return FuzzWorld(world, frameworks, make_round, django_capture_on_commit_callbacks)


@pytest.fixture
def api_schema(populated):
    with served_schema() as schema:
        yield schema


def _strategy(operation, ids):
    """Positive and negative cases with generated path parameters, and the same with the path parameters taken from
    real objects (so the lookups succeed and the body reaches the service)."""
    options = [operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)]
    names = [p.name for p in operation.path_parameters]
    if names and all(ids.get(name) for name in names):
        real = st.fixed_dictionaries({name: st.sampled_from(ids[name]) for name in names})
        options += [real.flatmap(lambda path: operation.as_strategy(GenerationMode.POSITIVE, path_parameters=path)),
                    real.flatmap(lambda path: operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=path))]
    return st.one_of(options)


def _settings(examples):
    return settings(max_examples=examples, deadline=None, database=None, derandomize=not SEED, print_blob=True,
                    phases=[Phase.explicit, Phase.generate, Phase.shrink],
                    suppress_health_check=list(HealthCheck))


def _fuzz(api_schema, populated, api_token, role, record_property):
    user = populated.world.users[role]
    SPENT["started"] = SPENT["started"] or time.perf_counter()
    ids = populated.ids(user)
    operations = [result.ok() for result in api_schema.get_all_operations()]
    failures, calls, statuses, reduced = [], [0], {}, 0
    timing, started = {"app": 0.0, "checks": 0.0}, time.perf_counter()
    for operation in operations:
        if (operation.method.upper(), operation.path) in EXCLUDED or not ONLY.search(f"{operation.method.upper()} {operation.path}"):
            continue
        examples = EXAMPLES[role]
        if time.perf_counter() - SPENT["started"] > BUDGET * SHARE[role]:
            examples, reduced = MIN_EXAMPLES, reduced + 1

        @_settings(examples)
        @given(case=_strategy(operation, ids))
        def run(case):
            # A fresh token per case: some operations (logout, revoking tokens) end the token they are called with.
            # identity: the WSGI test client does not undo the gzip the app applies for clients that accept it.
            started = time.perf_counter()
            response = case.call(headers={"Authorization": f"Bearer {api_token(user)}", "Accept-Encoding": "identity"})
            called = time.perf_counter()
            calls[0] += 1
            statuses[response.status_code // 100] = statuses.get(response.status_code // 100, 0) + 1
            try:
                case.validate_response(response, checks=CHECKS)
            finally:
                timing["app"] += called - started
                timing["checks"] += time.perf_counter() - called

        if SEED:
            run = seed(int(SEED))(run)
        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # one operation's failure must not hide the others'
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}"[:3000])
    mine, elapsed = time.perf_counter() - started, time.perf_counter() - SPENT["started"]
    line = (f"schemathesis {role}: {len(operations)} operations, {calls[0]} calls {dict(sorted(statuses.items()))}, "
            f"{reduced} cut to {MIN_EXAMPLES} examples by the budget; {mine:.0f}s (app {timing['app']:.0f}s, checks "
            f"{timing['checks']:.0f}s, generating {mine - timing['app'] - timing['checks']:.0f}s), module {elapsed:.0f}s")
    record_property("bench", line)
    print(line)
    assert not failures, f"{len(failures)} operations failed:\n\n" + "\n\n".join(failures)


def test_whole_api_as_sysadmin(api_schema, populated, api_token, record_property):
    _fuzz(api_schema, populated, api_token, Role.SYSADMIN, record_property)


def test_whole_api_as_village_secretary(api_schema, populated, api_token, record_property):
    _fuzz(api_schema, populated, api_token, Role.VILLAGE_CADRE, record_property)


@pytest.mark.parametrize("status,content_type,body,ok", [
    (404, "application/json", {"detail": "对象不存在或不在您的管辖范围内。"}, True),
    (422, "application/json", {"detail": "请求数据校验未通过。", "errors": [{"field": "x", "message": "缺少必填字段"}]}, True),
    (200, "text/html", "<html>", True),  # not an error: not this check's business
    (404, "application/json", {"detail": "Not Found"}, False),
    (422, "application/json", {"detail": "请求数据校验未通过。", "errors": [{"field": "x", "message": "Field required"}]}, False),
    (400, "text/html", "<h1>Bad Request (400)</h1>", False),
    (405, "application/json", ["方法不允许"], False),
])
def test_the_chinese_error_check_can_fail(status, content_type, body, ok):
    """The custom check is only worth something if it rejects an English or non-JSON error."""
    import json

    import requests
    from schemathesis import Response

    content = body.encode() if isinstance(body, str) else json.dumps(body, ensure_ascii=False).encode()
    response = Response(status, {"Content-Type": [content_type]}, content, requests.Request("GET", "http://localhost/").prepare(), 0.0, True)
    if ok:
        assert chinese_error_detail(None, response, None) is None
    else:
        with pytest.raises(AssertionError):
            chinese_error_detail(None, response, None)
