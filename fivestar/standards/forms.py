"""Forms of the standards pages: upload a framework file, copy a version, choose two versions to compare."""

from django import forms

from fivestar.core.uploads import UploadRefused, decode_utf8, read_upload, refuse_binary_text

from .models import FrameworkVersion

ACCEPT = ".yaml,.yml,.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    file = forms.FileField(label="标准文件", allow_empty_file=True,  # refused in clean_file, naming the file
                           widget=forms.ClearableFileInput(attrs={"accept": ACCEPT, "class": "form-control"}),
                           help_text="YAML（.yaml/.yml）或 Excel（.xlsx）文件")
    org_unit = forms.ChoiceField(label="适用范围", required=False, widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, scopes=(), allow_global=False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(u.code, u.display_name) for u in scopes]
        if allow_global or not choices:
            choices.insert(0, ("", "不限范围（全部单位）"))
        self.fields["org_unit"].choices = choices
        self.scopes = {u.code: u for u in scopes}

    def clean_file(self):
        """An empty file, a workbook named .yaml, or YAML that is not UTF-8 is refused here, by name."""
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if name.endswith((".yaml", ".yml")) or upload.size == 0:
            try:
                data = read_upload(upload)
                refuse_binary_text(data, upload.name, "YAML")
                decode_utf8(data, upload.name)
            except UploadRefused as exc:
                raise forms.ValidationError(str(exc)) from None
            upload.seek(0)
        return upload

    def clean_org_unit(self):
        code = self.cleaned_data.get("org_unit")
        if code and code not in self.scopes:
            raise forms.ValidationError("适用范围不在您的管理范围内")
        return self.scopes.get(code)


class CopyForm(forms.Form):
    code = forms.CharField(label="新版本代码", max_length=60, help_text="小写字母、数字和连字符，如 puyang-2024-rural",
                           widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}))
    version = forms.CharField(label="版本", max_length=30, widget=forms.TextInput(attrs={"class": "form-control"}))
    name = forms.CharField(label="名称", max_length=120, required=False, widget=forms.TextInput(attrs={"class": "form-control"}),
                           help_text="留空则沿用原名称")


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.version}）· {obj.code} · {obj.get_status_display()}"


def _versions():
    return FrameworkVersion.objects.order_by("branch_type", "-created_at", "-id")


class DiffForm(forms.Form):
    a = VersionChoiceField(label="原版本", queryset=_versions(), widget=forms.Select(attrs={"class": "form-select"}))
    b = VersionChoiceField(label="新版本", queryset=_versions(), widget=forms.Select(attrs={"class": "form-select"}))
