"""Builders shared by the people tests."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from fivestar.core.models import AuditEvent
from fivestar.imports.people_template import DUTY_COLUMNS, DUTY_SHEET, PEOPLE_COLUMNS, PEOPLE_SHEET
from fivestar.people.models import Person

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def person(unit, name="张三", **extra) -> Person:
    values = {"gender": "M", "position": "party_member", "is_party_member": True, **extra}
    return Person.objects.create(org_unit=unit, name=name, **values)


def workbook_bytes(people=(), duties=(), template: bytes | None = None) -> bytes:
    """An .xlsx with the given rows: filled into a downloaded template if given, else a bare workbook."""
    if template is not None:
        wb = load_workbook(BytesIO(template))
    else:
        wb = Workbook()
        wb.active.title = PEOPLE_SHEET
        wb.active.append(PEOPLE_COLUMNS)
        wb.create_sheet(DUTY_SHEET).append(DUTY_COLUMNS)
    for sheet, rows in ((PEOPLE_SHEET, people), (DUTY_SHEET, duties)):
        for r, row in enumerate(rows, start=2):
            for c, value in enumerate(row, start=1):
                wb[sheet].cell(row=r, column=c, value=value)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(data: bytes, name="people.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX)


def events(model: str, object_id=None):
    qs = AuditEvent.objects.filter(model=model)
    if object_id is not None:
        qs = qs.filter(object_id=str(object_id))
    return qs.order_by("id")
