"""The form that creates a rating round: scope by code, published frameworks, stage deadlines, extra levels."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from fivestar.core.roles import Action
from fivestar.orgs.models import Level, OrgUnit
from fivestar.standards.models import FrameworkVersion

from .models import Round
from .models.round import LEVEL_LABELS, OPTIONAL_LEVELS, default_indicator_year

SCOPE_LEVELS = [Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWN]
MAX_SCOPE_CHOICES = 300


def _date(**attrs):
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", **attrs})


class FrameworkChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.version}）"


class RoundForm(forms.Form):
    name = forms.CharField(label="名称", max_length=80, help_text="如「2024年度评星」「2024年第一次动态评星」")
    kind = forms.ChoiceField(label="类型", choices=Round.Kind.choices)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    indicator_year = forms.IntegerField(
        label="指标数据年度", min_value=2000, max_value=2100, required=False,
        help_text="本周期读取哪一年的村集体经济收入等指标数据。默认取最近一个已经过完的完整年度（周期结束于 12 月 31 日则取当年，"
                  "否则取上一年；周期尚未结束时按今天算），因为刚开始的年度通常还没有数据。留空即按此默认。",
    )
    scope = forms.CharField(label="评星范围", max_length=15)
    period_start = forms.DateField(label="周期开始", widget=_date())
    period_end = forms.DateField(label="周期结束", widget=_date())
    rural_framework = FrameworkChoice(label="农村支部创建标准", queryset=FrameworkVersion.objects.none(), empty_label="请选择已发布的标准")
    community_framework = FrameworkChoice(label="社区支部创建标准", queryset=FrameworkVersion.objects.none(), required=False, empty_label="无（社区也按农村标准）")
    self_deadline = forms.DateField(label="村级自评截止", widget=_date())
    town_deadline = forms.DateField(label="镇级初审截止", widget=_date())
    county_deadline = forms.DateField(label="县级审核截止", widget=_date())
    extra_levels = forms.MultipleChoiceField(
        label="增设审核层级", required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(lvl, LEVEL_LABELS[lvl]) for lvl in OPTIONAL_LEVELS],
    )
    extra_deadline = forms.DateField(label="增设层级截止", required=False, widget=_date(), help_text="选择了市级复核或省级抽查时必填")
    notice_days = forms.IntegerField(label="公示天数", min_value=1, max_value=30, initial=7, help_text="县级审核完成后公示的天数（1–30 天）")
    expired_outcome = forms.ChoiceField(
        label="未按期完成的认定结果", choices=Round.ExpiredOutcome.choices, initial=Round.ExpiredOutcome.KEEP, required=False,
        help_text="截止日期过后仍未完成的申报按“未按期完成”处理（截止处理），不再阻挡公示；认定时保留其上次认定的星，或不授星。")
    previous = forms.ModelChoiceField(label="上一周期（沿用其结果）", queryset=Round.objects.none(), required=False, empty_label="自动（各支部最近一次评星）")

    def __init__(self, user, *args, rounds=None, **kwargs):
        self.user = user
        today = timezone.localdate()
        period_end = today + datetime.timedelta(days=60)
        kwargs.setdefault("initial", {
            "year": today.year, "kind": Round.Kind.ANNUAL, "notice_days": 7, "period_start": today,
            "indicator_year": default_indicator_year(period_end, today),
            "period_end": period_end, "self_deadline": today + datetime.timedelta(days=14),
            "town_deadline": today + datetime.timedelta(days=21), "county_deadline": today + datetime.timedelta(days=30),
        })
        super().__init__(*args, **kwargs)
        published = FrameworkVersion.objects.filter(status=FrameworkVersion.Status.PUBLISHED).order_by("-published_at", "-id")
        self.fields["rural_framework"].queryset = published.filter(branch_type="rural")
        self.fields["community_framework"].queryset = published.filter(branch_type="community")
        if not self.is_bound:  # the latest published standards are the usual choice
            self.initial.setdefault("rural_framework", self.fields["rural_framework"].queryset.values_list("pk", flat=True).first())
            self.initial.setdefault("community_framework", self.fields["community_framework"].queryset.values_list("pk", flat=True).first())
        if rounds is not None:
            self.fields["previous"].queryset = rounds.exclude(phase=Round.Phase.DRAFT).order_by("-period_start")
        units = list(self.scope_units()[: MAX_SCOPE_CHOICES + 1])
        if len(units) <= MAX_SCOPE_CHOICES:
            choices = [("", "请选择县（区）或乡镇")] + [(u.code, f"{'　' * max(u.level - units[0].level, 0)}{u.display_name}（{u.code}）") for u in units]
            self.fields["scope"].widget = forms.Select(choices=choices)
            if len(units) == 1 and not self.is_bound:
                self.initial.setdefault("scope", units[0].code)
        else:
            self.fields["scope"].widget = forms.TextInput(attrs={"placeholder": "输入县（区）或乡镇的代码，如 410928", "inputmode": "numeric"})
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                widget.attrs["class"] = "form-check-input"
                continue
            widget.attrs["class"] = "form-select" if isinstance(widget, forms.Select) else "form-control"

    def scope_units(self):
        return OrgUnit.objects.visible_to(self.user, Action.MANAGE_ROUNDS).filter(level__in=SCOPE_LEVELS, active=True).order_by("path")

    def clean_scope(self):
        code = (self.cleaned_data.get("scope") or "").strip()
        unit = self.scope_units().filter(code=code).first()
        if unit is None:
            raise ValidationError(f"范围「{code}」不存在，或不是您可以开启评星的县（区）、乡镇。")
        return unit

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "周期结束日期不能早于开始日期。")
        s, t, c = data.get("self_deadline"), data.get("town_deadline"), data.get("county_deadline")
        if s and t and t < s:
            self.add_error("town_deadline", "镇级初审截止不能早于村级自评截止。")
        if t and c and c < t:
            self.add_error("county_deadline", "县级审核截止不能早于镇级初审截止。")
        extra, extra_deadline = data.get("extra_levels") or [], data.get("extra_deadline")
        if extra and not extra_deadline:
            self.add_error("extra_deadline", "增设了审核层级，请填写该层级的截止日期。")
        if extra_deadline and c and extra_deadline < c:
            self.add_error("extra_deadline", "增设层级截止不能早于县级审核截止。")
        if end and data.get("indicator_year") is None and "indicator_year" not in self.errors:
            data["indicator_year"] = default_indicator_year(end, timezone.localdate())
        previous = data.get("previous")
        scope = data.get("scope")
        if previous and scope and not (scope.path.startswith(previous.scope.path) or previous.scope.path.startswith(scope.path)):
            self.add_error("previous", "上一周期的范围与本周期不相交，无法沿用。")
        return data
