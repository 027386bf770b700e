"""Reviewer input: a changed value per rule kind, per-rule return comments, and the veto form."""

from django import forms
from django.utils import timezone

from fivestar.standards.models import FrameworkVersion
from fivestar.standards.values import parse_rule_value

RULE_COMMENT_PREFIX = "rc-"


def parse_value(rule, raw: str):
    """The posted text as the engine's value for `rule`; ValueError with a Chinese message otherwise."""
    value = parse_rule_value(rule, raw)
    if value is None:
        raise ValueError("请填写改动后的值。")
    return value


def rule_comments_from(post, framework) -> dict[str, str]:
    """`rc-<rule code>` fields of a return form, for rules of this framework, non-empty only."""
    comments = {}
    for key, value in post.items():
        if key.startswith(RULE_COMMENT_PREFIX):
            code = key[len(RULE_COMMENT_PREFIX):]
            text = (value or "").strip()[:300]
            if text and code in framework.rules_by_code:
                comments[code] = text
    return comments


def published_framework_for(village):
    """The framework a veto is checked against: the latest published one of the village's branch type."""
    return FrameworkVersion.objects.latest_published(village.branch_type, unit=village)


class VetoForm(forms.Form):
    rule = forms.ChoiceField(label="否决细则", choices=())
    occurred_on = forms.DateField(label="发生日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    description = forms.CharField(label="情况说明", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
                                  help_text="写明事件经过、处理情况和依据，例如公安机关立案通知的文号。")
    evidence = forms.FileField(label="佐证材料（可选）", required=False, help_text="照片、PDF 或 Office 文件，如立案通知、事故调查报告。")

    def __init__(self, framework, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        if framework is not None:
            for star in framework.stars:
                rules = [(r.code, f"{r.code} {r.text}") for r in star.rules if r.veto]
                if rules:
                    choices.append((star.name, rules))
        self.fields["rule"].choices = [("", "请选择一票否决项")] + choices
        self.fields["occurred_on"].initial = timezone.localdate()
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select" if name == "rule" else "form-control"

    def clean_occurred_on(self):
        day = self.cleaned_data["occurred_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("发生日期不能晚于今天。")
        return day
