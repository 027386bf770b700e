"""Small pieces the supervision API modules share: how a unit and a file are shown, and how a refusal of the
services becomes a status (403 without authority, 409 for a stale version, 400 otherwise)."""

from ninja import Status

from .services import SupervisionError

STALE = "已被他人修改"


def unit_out(unit) -> dict:
    return {"code": unit.code, "name": unit.display_name}


def evidence_out(e) -> dict:
    return {"id": e.pk, "name": e.original_name, "kind": e.kind, "content_type": e.content_type, "size": e.size,
            "download": f"/api/v1/evidence/{e.pk}"}


def invalid(errors: list[dict], detail: str = "请求数据校验未通过。"):
    return Status(422, {"detail": detail, "errors": errors})


def refusal(exc: SupervisionError, allowed: bool):
    """`allowed`: whether the user holds the authority the step needs at all (else 403 with the service's reason)."""
    if not allowed:
        return Status(403, {"detail": exc.message})
    if STALE in exc.message:
        return Status(409, {"detail": exc.message})
    return Status(400, {"detail": exc.message})
