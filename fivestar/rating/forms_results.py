"""Forms of the public notice (异议) and of resolving objections; every message in Chinese."""

from django import forms


class ObjectionForm(forms.Form):
    branch = forms.TypedChoiceField(label="被异议的支部", coerce=int, error_messages={"required": "请选择被异议的支部。", "invalid_choice": "所选支部不在本次公示名单中。"})
    reason = forms.CharField(
        label="异议理由", min_length=5, max_length=1000, strip=True,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "请写明具体事实（5–1000 字）", "maxlength": 1000, "class": "form-control"}),
        error_messages={"required": "请填写异议理由（至少 5 个字）。", "min_length": "异议理由至少 5 个字。", "max_length": "异议理由不能超过 1000 字。"},
    )
    contact = forms.CharField(
        label="联系方式（选填）", required=False, max_length=60, strip=True,
        widget=forms.TextInput(attrs={"placeholder": "电话或其他联系方式，便于核实后回复", "autocomplete": "tel", "class": "form-control"}),
        error_messages={"max_length": "联系方式不能超过 60 个字符。"},
    )

    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].choices = [("", "请选择支部")] + [(row["id"], row["unit"].display_name) for row in rows]


class ResolveForm(forms.Form):
    DECISIONS = [("dismiss", "不予采纳"), ("uphold", "予以采纳（退回复核）")]

    objection = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(label="处理结果", choices=DECISIONS, widget=forms.RadioSelect,
                                 error_messages={"required": "请选择处理结果。", "invalid_choice": "请选择处理结果。"})
    resolution = forms.CharField(label="处理意见", max_length=2000, strip=True, widget=forms.Textarea(attrs={"rows": 2}),
                                 error_messages={"required": "请填写处理意见。", "max_length": "处理意见不能超过 2000 字。"})
