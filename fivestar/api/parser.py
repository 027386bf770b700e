"""The API's request parser: every string of a JSON body, a query string or a form, keys included,
goes through `clean_text` before any schema sees it, so no endpoint can forget. A username is refused
rather than cleaned (two accounts must never differ by an invisible character)."""

import json
import math

from ninja.parser import Parser

from fivestar.core.text import clean_text, has_invisible

REFUSED_KEYS = frozenset({"username"})
MAX_DEPTH = 32
MAX_INT = 2**63 - 1  # the largest integer a database column (bigint) holds


class InputRefused(Exception):
    """Raised while parsing; the API's error handler answers 422 naming the field."""

    def __init__(self, field: str, message: str, kind: str = "value_error"):
        super().__init__(message)
        self.field, self.message, self.kind = field, message, kind


class BodyNotJson(Exception):
    pass


def clean_value(value, path: tuple = (), depth: int = 0):
    """`value` with every string cleaned; integers beyond what a database column holds and
    non-finite numbers are refused here, naming the field, before they reach a schema or a query."""
    key = str(path[-1]) if path else ""
    if depth > MAX_DEPTH:
        raise InputRefused(_field(path), "数据嵌套层级过深", "too_deep")
    if isinstance(value, str):
        if "password" in key:  # only ever hashed; cleaning would make the typed password differ
            return value
        if key in REFUSED_KEYS and has_invisible(value):
            raise InputRefused(_field(path), "不能含有不可见或控制字符", "invisible_characters")
        return clean_text(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and not -MAX_INT <= value <= MAX_INT:
        raise InputRefused(_field(path), "数值超出允许范围", "number_too_large")
    if isinstance(value, float) and not math.isfinite(value):
        raise InputRefused(_field(path), "数值超出允许范围", "number_too_large")
    if isinstance(value, dict):
        return {clean_text(k) if isinstance(k, str) else k: clean_value(v, (*path, k), depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_value(v, (*path, i), depth + 1) for i, v in enumerate(value)]
    return value


def _field(path) -> str:
    return ".".join(clean_text(str(p), multiline=False)[:40] for p in path)


def _no_constant(name):
    raise ValueError(f"{name} is not a number")  # NaN and Infinity are not JSON


class CleaningParser(Parser):
    def parse_body(self, request):
        try:
            data = json.loads(request.body, parse_constant=_no_constant)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise BodyNotJson(str(exc)) from exc
        return clean_value(data)

    def parse_querydict(self, data, list_fields, request):
        return clean_value(super().parse_querydict(data, list_fields, request))
