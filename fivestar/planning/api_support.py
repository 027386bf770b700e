"""Small pieces the planning API modules share: how a unit, a person and a file are shown, scoped look-ups (404
outside the user's scope) and how a refusal of the services becomes a status (403 without authority, 409 for a
stale version, 400 otherwise)."""

from django.http import Http404
from ninja import Status

from fivestar.orgs.models import Level, OrgUnit
from fivestar.rating.models import Evidence

from .services import PlanningError

STALE = "已被他人修改"


def unit_out(unit) -> dict:
    return {"code": unit.code, "name": unit.display_name}


def ref_out(obj) -> dict | None:
    return {"id": obj.pk, "name": obj.name} if obj is not None else None


def evidence_out(e) -> dict:
    return {"id": e.pk, "name": e.original_name, "kind": e.kind, "content_type": e.content_type, "size": e.size,
            "download": f"/api/v1/evidence/{e.pk}"}


def invalid(errors: list[dict], detail: str = "请求数据校验未通过。"):
    return Status(422, {"detail": detail, "errors": errors})


def field_error(field: str, message: str) -> dict:
    return {"field": field, "message": message, "type": "value_error"}


def refusal(exc: PlanningError, allowed: bool):
    """`allowed`: whether the user holds the authority the step needs at all (else 403 with the service's reason)."""
    if not allowed:
        return Status(403, {"detail": exc.message})
    if STALE in exc.message:
        return Status(409, {"detail": exc.message})
    return Status(400, {"detail": exc.message})


def visible_unit(user, code: str | None, levels=None) -> OrgUnit:
    """The unit of that code the user sees (at one of `levels`), else 404."""
    code = str(code or "").strip()[:15]
    qs = OrgUnit.objects.visible_to(user).select_related("parent").filter(code=code, active=True)
    unit = qs.filter(level__in=levels).first() if levels else qs.filter(level__lte=Level.VILLAGE).first()
    if not code or unit is None:
        raise Http404
    return unit


def visible_evidence(user, ids: list[int], field: str) -> tuple[list, list[dict]]:
    wanted = [i for i in dict.fromkeys(ids) if 1 <= i < 2**63]
    found = {e.pk: e for e in Evidence.objects.visible_to(user).filter(pk__in=wanted)}
    errors = [field_error(f"{field}.{n}", "文件不存在或不在您的管辖范围内") for n, i in enumerate(ids) if i not in found]
    return [found[i] for i in wanted if i in found], errors
