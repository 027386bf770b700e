"""Upload form for the administrative-division import: the five CSVs (or one zip) and an optional code."""

from django import forms


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        files = [d for d in data if d] if isinstance(data, (list, tuple)) else ([data] if data else [])
        if not files:
            return [single(None, initial)] if self.required else []  # raises the "required" error
        return [single(d, initial) for d in files]


class DivisionUploadForm(forms.Form):
    files = MultipleFileField(
        label="文件",
        help_text="选择 provinces.csv、cities.csv、areas.csv、streets.csv、villages.csv 五个文件（可多选），或包含它们的一个 .zip 压缩包。",
        error_messages={"required": "请选择要上传的文件"},
        allow_empty_file=True,  # an empty file is refused by the reader, which names it
        widget=MultipleFileInput(attrs={"accept": ".csv,.zip", "class": "form-control"}),
    )
    under = forms.CharField(
        label="限定代码",
        required=False,
        max_length=12,
        help_text="可选。只导入该代码的下级单位（并补齐其上级），如 410928 只导入濮阳县。",
        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "numeric", "placeholder": "如 410928"}),
    )

    def clean_under(self):
        under = self.cleaned_data["under"].strip()
        if under and not (under.isdigit() and len(under) in (2, 4, 6, 9, 12)):
            raise forms.ValidationError("限定代码应为 2、4、6、9 或 12 位数字")
        return under
