"""Forms for recording collective income, filtering the list, and uploading a workbook."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from fivestar.orgs.models import BranchType

from .parsing import MAX_YEAR, MIN_YEAR, parse_amount, parse_year
from .selectors import BANDS, SORTS

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class AmountField(forms.CharField):
    """A yuan amount typed as text (so "12,000" or "12000元" work) and checked with Chinese messages."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def clean(self, value):
        text = super().clean(value)
        try:
            amount = parse_amount(text)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        if amount is None:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return Decimal("0")
        return amount


def _style(form):
    for field in form.fields.values():
        widget = field.widget
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class IncomeForm(forms.Form):
    year = forms.CharField(label="年度", max_length=6, widget=forms.TextInput(attrs={"inputmode": "numeric"}),
                           error_messages={"required": "请填写年度。"})
    operating_income = AmountField(label="经营性收入（元）", help_text="集体资产经营、物业租赁、入股分红等收入；没有填 0",
                                   error_messages={"required": "请填写经营性收入，没有请填 0。"})
    other_income = AmountField(label="其他收入（元）", required=False, help_text="补助、捐赠等其他集体收入；不填按 0 计")
    note = forms.CharField(label="备注", max_length=200, required=False,
                           error_messages={"max_length": "备注不能超过 200 个字。"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
        self.fields["operating_income"].widget.attrs["x-model"] = "operating"
        self.fields["other_income"].widget.attrs["x-model"] = "other"

    def clean_year(self):
        try:
            return parse_year(self.cleaned_data["year"])
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class IncomeFilterForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=MIN_YEAR, max_value=MAX_YEAR, required=False)
    q = forms.CharField(label="搜索", max_length=30, required=False,
                        widget=forms.TextInput(attrs={"placeholder": "村名或拼音首字母"}))
    unit = forms.CharField(label="范围（单位代码）", max_length=15, required=False)
    branch_type = forms.ChoiceField(label="类型", required=False, choices=[("", "全部类型"), *BranchType.choices])
    band = forms.ChoiceField(label="收入档次", required=False,
                             choices=[("", "全部"), *((k, v[0]) for k, v in BANDS.items())])
    sort = forms.ChoiceField(label="排序", required=False, choices=[(k, v[0]) for k, v in SORTS.items()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
        for field in self.fields.values():
            field.widget.attrs["class"] += " form-control-sm" if "form-control" in field.widget.attrs["class"] else " form-select-sm"


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）", allow_empty_file=True,  # refused when read, naming the file
                           error_messages={"required": "请选择要导入的 Excel 文件。"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs.update({"class": "form-control", "accept": ".xlsx"})

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError("文件超过 5 MB，请拆分后分批导入。")
        return upload  # its kind is judged by content when it is read (an old .xls or a CSV is named as such)
