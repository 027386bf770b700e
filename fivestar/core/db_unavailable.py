"""When the database is unreachable for a moment (a PostgreSQL restart or failover, a dropped connection, SQLite busy
past its timeout): requests get a clear Chinese 503 instead of a 500, and background jobs leave their row to be resumed
instead of recording a failure that was not theirs.

Connections recover by themselves: CONN_HEALTH_CHECKS (settings) makes every request check its persistent connection
before using it, so the first request after the database is back reconnects instead of failing on a dead socket.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

MESSAGE = "数据库暂时不可用，请稍后重试。"
RETRY_AFTER_SECONDS = 5


def is_database_error(exc: BaseException | None) -> bool:
    """The database went away under this work (the error itself, or what caused it)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, (OperationalError, InterfaceError)):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def response_if_database_down(request) -> HttpResponse | None:
    """For the 500 handler, while the exception is being handled: a 503 when the database caused it. Renders nothing
    that touches the database (no context processors, no session, no user)."""
    if not is_database_error(sys.exc_info()[1]):
        return None
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": MESSAGE}, status=503, json_dumps_params={"ensure_ascii": False})
    else:
        response = HttpResponse(render_to_string("503_database.html", {"message": MESSAGE}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
