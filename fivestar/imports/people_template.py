"""The Excel template for importing people and responsibility assignments (人员与责任分工导入模板)."""

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from fivestar.core.xlsx import save_workbook
from fivestar.people.models import Duty, Gender, Position

PEOPLE_SHEET = "人员"
DUTY_SHEET = "责任分工"
HELP_SHEET = "填写说明"
PEOPLE_COLUMNS = ["单位代码", "姓名", "性别", "联系电话", "职务", "是否党员", "备注"]
DUTY_COLUMNS = ["责任类型", "责任人姓名", "责任人电话", "责任单位代码", "片区名称", "联系户数", "户主名单"]
REQUIRED = {"单位代码", "姓名", "性别", "职务", "责任类型", "责任人姓名", "责任单位代码"}
TEXT_COLUMNS = {"单位代码", "联系电话", "责任人电话", "责任单位代码"}
TEMPLATE_ROWS = 2000  # rows pre-formatted as text and covered by the dropdowns

HELP = [
    ("填写说明", ""),
    ("总体", "本模板用于批量导入人员及“包片、包村、包组、包户”责任分工。请勿修改工作表名称和第一行表头；可删除示例以外的空行。"),
    ("", "导入前系统会逐行校验，只要有一行不合格，整个文件都不会写入，并列出每个错误所在的工作表、行号、列名和原因。"),
    ("", "只能导入您管辖范围内的单位。单位代码为统计用区划代码：乡镇9位、村（社区）12位、村民小组15位。"),
    ("人员", "同一单位下“姓名 + 联系电话”相同视为同一人：已存在则更新其性别、职务、党员身份和备注，不存在则新增。"),
    ("", "性别填“男”或“女”；是否党员填“是”或“否”（空白视为否）；联系电话为11位手机号或带区号的座机号，如 0393-1234567。"),
    ("", "职务可选：" + "、".join(Position.labels) + "。村党支部书记、村委会主任须属于村（社区）；镇干部属于乡镇；科级干部属于县或乡镇。"),
    ("责任分工", "责任人按“责任人姓名 + 责任人电话”查找，可以是本文件“人员”表中的人，也可以是系统中已有的人员；同名时必须填写电话。"),
    ("", "包片：责任单位代码填乡镇代码，片区名称填该乡镇已有的片区（如“西片区”）。"),
    ("", "包村：责任单位代码填村（社区）代码。包组：填村民小组代码。"),
    ("", "包户：责任单位代码填村（社区）代码，联系户数必填（不小于0的整数），户主名单可不填，多个户主用顿号“、”分隔；责任人须为党员。"),
    ("", "同一责任人、同一类型、同一单位（和片区）的分工已存在时，按本文件更新联系户数和户主名单。"),
    ("示例（人员）", "410928103205 | 张三 | 男 | 13812345678 | 村党支部书记 | 是 | "),
    ("示例（责任分工）", "包户 | 张三 | 13812345678 | 410928103205 |  | 12 | 李四、王五"),
]

HEADER_FILL = PatternFill("solid", fgColor="B71C1C")
HEADER_FONT = Font(bold=True, color="FFFFFF")


def _header(ws, columns):
    ws.append(columns)
    for index, title in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=index)
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
        cell.alignment = Alignment(horizontal="center")
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = 30 if title in ("户主名单", "备注") else 16
        if title in TEXT_COLUMNS:
            for row in range(2, TEMPLATE_ROWS + 2):
                ws.cell(row=row, column=index).number_format = "@"
    ws.freeze_panes = "A2"


def _dropdown(ws, columns, title, values, prompt):
    letter = get_column_letter(columns.index(title) + 1)
    dv = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=title not in REQUIRED, showErrorMessage=True)
    dv.error = f"请从下拉列表中选择：{'、'.join(values)}"
    dv.errorTitle = "取值无效"
    dv.prompt = prompt
    dv.promptTitle = title
    ws.add_data_validation(dv)
    dv.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")


def build_template() -> bytes:
    wb = Workbook()
    people = wb.active
    people.title = PEOPLE_SHEET
    _header(people, PEOPLE_COLUMNS)
    _dropdown(people, PEOPLE_COLUMNS, "性别", Gender.labels, "男 或 女")
    _dropdown(people, PEOPLE_COLUMNS, "职务", Position.labels, "从列表选择职务")
    _dropdown(people, PEOPLE_COLUMNS, "是否党员", ["是", "否"], "中共党员填“是”")

    duties = wb.create_sheet(DUTY_SHEET)
    _header(duties, DUTY_COLUMNS)
    _dropdown(duties, DUTY_COLUMNS, "责任类型", Duty.labels, "包片、包村、包组或包户")

    help_sheet = wb.create_sheet(HELP_SHEET)
    for row in HELP:
        help_sheet.append(list(row))
    help_sheet["A1"].font = Font(bold=True, size=14)
    help_sheet.column_dimensions["A"].width = 18
    help_sheet.column_dimensions["B"].width = 110
    for cells in help_sheet.iter_rows(min_row=2):
        cells[0].font = Font(bold=True)
        cells[1].alignment = Alignment(wrap_text=True, vertical="top")

    return save_workbook(wb)
