"""A request body that passes an operation's schema (its required fields with plausible values), so a request out of
scope reaches the view's scope check instead of stopping at validation (422) — a refusal that would prove nothing."""

import datetime
import uuid

TODAY = datetime.date.today().isoformat()
BINARY = object()  # stands for an uploaded file: the runner sends a small PNG


def _resolve(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def sample(schema: dict, components: dict, depth: int = 0):
    schema = _resolve(schema, components)
    if depth > 6:
        return None
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [o for o in schema[key] if _resolve(o, components).get("type") != "null"] or schema[key]
            return sample(options[0], components, depth + 1)
    if "allOf" in schema:
        return sample(schema["allOf"][0], components, depth + 1)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {name: sample(props[name], components, depth + 1) for name in schema.get("required", []) if name in props}
    if kind == "array":
        # One item when the schema requires any (ids, rules, files …), so the operation gets past validation.
        return [sample(schema.get("items", {}), components, depth + 1)] if schema.get("minItems", 0) > 0 else []
    if kind == "integer":
        return max(1, schema.get("minimum", schema.get("exclusiveMinimum", 0) + 1))
    if kind == "number":
        return max(1, schema.get("minimum", 0))
    if kind == "boolean":
        return True
    if kind == "string":
        fmt = schema.get("format")
        if fmt == "date":
            return TODAY
        if fmt == "date-time":
            return TODAY + "T08:00:00+08:00"
        if fmt == "binary":
            return BINARY
        if fmt == "uuid":
            return str(uuid.uuid4())
        if "\\d{4}-\\d{2}$" in schema.get("pattern", ""):
            return TODAY[:7]
        return "测试" if schema.get("maxLength", 2) >= 2 else "1"
    return None


def request_body(operation: dict, components: dict) -> tuple[str | None, dict | None]:
    """("json", body) or ("multipart", fields) or (None, None)."""
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        return "json", sample(content["application/json"]["schema"], components) or {}
    if "multipart/form-data" in content:
        body = sample(content["multipart/form-data"]["schema"], components) or {}
        return "multipart", {k: v for k, v in body.items() if v is not None}
    return None, None


def required_query(operation: dict, components: dict) -> dict:
    """The operation's required query parameters with sample values (a year is this year)."""
    out = {}
    for p in operation.get("parameters", []):
        if p["in"] == "query" and p.get("required"):
            out[p["name"]] = datetime.date.today().year if "year" in p["name"] else sample(p.get("schema", {}), components)
    return out
