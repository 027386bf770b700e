"""pydantic's validation errors in Chinese, each naming its field path (`household_heads.2`)."""

SOURCES = frozenset({"body", "payload", "query", "path", "form", "file", "header", "cookie", "filters"})


def _limit(err: dict, key: str):
    value = (err.get("ctx") or {}).get(key)
    return "" if value is None else value


def _messages(err: dict) -> dict:
    ctx = lambda key: _limit(err, key)  # noqa: E731
    return {
        "missing": "缺少必填字段",
        "extra_forbidden": "不允许的字段",
        "int_parsing": "应为整数",
        "int_type": "应为整数",
        "int_from_float": "应为整数（不能有小数）",
        "int_parsing_size": "整数位数过多",
        "float_parsing": "应为数字",
        "float_type": "应为数字",
        "finite_number": "应为有限的数值",
        "decimal_parsing": "应为数字",
        "decimal_type": "应为数字",
        "decimal_max_digits": f"数字位数不能超过 {ctx('max_digits')} 位",
        "decimal_max_places": f"小数位数不能超过 {ctx('decimal_places')} 位",
        "bool_parsing": "应为 true 或 false",
        "bool_type": "应为 true 或 false",
        "string_type": "应为字符串",
        "string_too_short": f"内容过短（至少 {ctx('min_length')} 个字符）",
        "string_too_long": f"内容过长（最多 {ctx('max_length')} 个字符）",
        "string_pattern_mismatch": "格式不正确",
        "string_unicode": "应为有效的文本",
        "json_invalid": "JSON 格式错误",
        "json_type": "应为 JSON 文本",
        "literal_error": f"取值不在允许范围内（可选：{ctx('expected')}）",
        "enum": f"取值不在允许范围内（可选：{ctx('expected')}）",
        "greater_than": f"数值应大于{ctx('gt')}",
        "greater_than_equal": f"数值不能小于{ctx('ge')}",
        "less_than": f"数值应小于{ctx('lt')}",
        "less_than_equal": f"数值不能大于{ctx('le')}",
        "multiple_of": f"数值应为 {ctx('multiple_of')} 的倍数",
        "too_short": f"至少需要 {ctx('min_length')} 项",
        "too_long": f"最多 {ctx('max_length')} 项",
        "list_type": "应为数组",
        "tuple_type": "应为数组",
        "set_type": "应为数组",
        "dict_type": "应为对象",
        "model_type": "应为对象",
        "model_attributes_type": "应为对象",
        "dataclass_type": "应为对象",
        "none_required": "应为空（null）",
        "date_parsing": "日期格式不正确（应为 YYYY-MM-DD）",
        "date_from_datetime_parsing": "日期格式不正确（应为 YYYY-MM-DD）",
        "date_from_datetime_inexact": "日期不能带时间",
        "date_type": "应为日期（YYYY-MM-DD）",
        "datetime_parsing": "日期时间格式不正确（应为 ISO 8601）",
        "datetime_from_date_parsing": "日期时间格式不正确（应为 ISO 8601）",
        "datetime_type": "应为日期时间（ISO 8601）",
        "time_parsing": "时间格式不正确",
        "uuid_parsing": "应为 UUID",
        "uuid_type": "应为 UUID",
        "url_parsing": "网址格式不正确",
        "url_type": "应为网址",
        "union_tag_invalid": "类型不正确",
        "union_tag_not_found": "缺少类型字段",
        "recursion_loop": "数据嵌套层级过深",
        "value_error": _plain(err.get("msg")),
        "assertion_error": _plain(err.get("msg")),
    }


def _plain(msg) -> str:
    text = str(msg or "").removeprefix("Value error, ").removeprefix("Assertion failed, ")
    # Our own validators speak Chinese; pydantic's built-in ones would not, so hide English.
    return text if text and not text.isascii() else "取值无效"


def field_path(loc) -> str:
    parts = list(loc or [])
    while parts and parts[0] in SOURCES:
        parts.pop(0)
    return ".".join(str(p) for p in parts)


def translate(err: dict) -> dict:
    kind = err.get("type", "")
    return {"field": field_path(err.get("loc")), "message": _messages(err).get(kind, "取值无效"), "type": kind}
