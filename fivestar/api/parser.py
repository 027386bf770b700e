"""The API's request parser: every string of a JSON body, a query string or a form, keys included,
goes through `clean_text` before any schema sees it, so no endpoint can forget. A username is refused
rather than cleaned (two accounts must never differ by an invisible character)."""

import json

from ninja.parser import Parser

from fivestar.core.text import clean_text, has_invisible

REFUSED_KEYS = frozenset({"username"})
UNTOUCHED_KEYS = frozenset({"password"})
MAX_DEPTH = 32


class InputRefused(Exception):
    """Raised while parsing; the API's error handler answers 422 naming the field."""

    def __init__(self, field: str, message: str, kind: str = "value_error"):
        super().__init__(message)
        self.field, self.message, self.kind = field, message, kind


class BodyNotJson(Exception):
    pass


def clean_value(value, key: str = "", depth: int = 0):
    if depth > MAX_DEPTH:
        raise InputRefused(key, "数据嵌套层级过深", "too_deep")
    if isinstance(value, str):
        if key in UNTOUCHED_KEYS:
            return value
        if key in REFUSED_KEYS and has_invisible(value):
            raise InputRefused(key, "不能含有不可见或控制字符", "invisible_characters")
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(k) if isinstance(k, str) else k: clean_value(v, k if isinstance(k, str) else key, depth + 1)
                for k, v in value.items()}
    if isinstance(value, list):
        return [clean_value(v, key, depth + 1) for v in value]
    return value


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
