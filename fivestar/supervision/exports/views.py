"""Downloads: /supervision/exports/ledger.xlsx (the list's filters) and /supervision/villages/<code>/notice.docx."""

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse

from fivestar.orgs.models import Level, OrgUnit

from ..views_common import today
from .filters import problem_query
from .ledger import ledger_title, ledger_values, write_ledger
from .notice import build_notice
from .notice_data import village_notice

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
VILLAGE_NOT_FOUND = "村（社区）不存在或不在您的管辖范围内"


def attachment(ascii_name: str, name: str) -> str:
    """A Content-Disposition naming the file in Chinese (RFC 5987), with a plain ASCII fallback."""
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def ledger_response(user, params) -> FileResponse:
    """The ledger of what the list shows for `params`, streamed from a temporary file (the memory of a chunk of
    rows, never of the whole set)."""
    scope, rows = problem_query(user, params)
    day = today()
    response = FileResponse(write_ledger(ledger_values(rows), ledger_title(scope.label, day), today=day), content_type=XLSX)
    response["Content-Disposition"] = attachment(f"supervision-ledger-{day}.xlsx", f"督导问题台账-{scope.label}-{day}.xlsx")
    return response


def visible_village(user, code: str) -> OrgUnit:
    village = (OrgUnit.objects.visible_to(user).select_related("parent").filter(code=str(code)[:15], level=Level.VILLAGE).first()
               if str(code).isdigit() else None)
    if village is None:
        raise Http404(VILLAGE_NOT_FOUND)
    return village


def inspection_param(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def notice_response(user, code: str, inspection=None) -> HttpResponse:
    village = visible_village(user, code)
    day = today()
    data = build_notice(village_notice(village, day, inspection_param(inspection)))
    response = HttpResponse(data, content_type=DOCX)
    response["Content-Disposition"] = attachment(f"rectification-notice-{village.code}-{day}.docx",
                                                 f"{village.display_name}督导问题整改通知书-{day}.docx")
    return response


@login_required
def ledger(request):
    return ledger_response(request.user, request.GET)


@login_required
def notice(request, code: str):
    return notice_response(request.user, code, request.GET.get("inspection"))
