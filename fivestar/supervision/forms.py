"""Forms of the supervision pages: list filters, teams, a town's settings, and the steps of a problem."""

import re

from django import forms
from django.core.exceptions import ValidationError

from .models.problem import ProblemStatus, Severity

MAX_FILES = 9
STAR_CODE = re.compile(r"[a-z][a-z0-9_-]{0,9}")
STATUS_CHOICES = [("", "未销号（全部在办）"), *ProblemStatus.choices, ("all", "全部")]


def _style(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)):
            widget.attrs["class"] = "form-check-input"
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class ProblemFilterForm(forms.Form):
    """?status=&star=&severity=&overdue=1&team=&start=&end=&q= — every field optional; junk is ignored."""

    status = forms.ChoiceField(label="状态", choices=STATUS_CHOICES, required=False)
    star = forms.ChoiceField(label="所涉星", required=False)
    severity = forms.ChoiceField(label="严重程度", choices=[("", "全部")] + Severity.choices, required=False)
    overdue = forms.BooleanField(label="只看逾期", required=False)
    team = forms.TypedChoiceField(label="督导组", coerce=int, required=False, empty_value=None)
    start = forms.DateField(label="发现日期自", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="至", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(label="搜索", max_length=60, required=False, widget=forms.TextInput(attrs={"placeholder": "描述/村名/责任人", "type": "search", "aria-label": "搜索"}))

    def __init__(self, data, *, stars: dict, teams: list):
        super().__init__(data)
        choices = dict(sorted(stars.items()))
        asked = (data or {}).get("star", "")
        if asked and asked not in choices and STAR_CODE.fullmatch(asked):
            choices[asked] = asked  # a star of a framework no longer published: still a filter
        self.fields["star"].choices = [("", "全部"), *choices.items()]
        self.fields["team"].choices = [("", "全部")] + [(t.pk, t.name) for t in teams]
        if not teams:
            del self.fields["team"]
        _style(self)

    def values(self) -> dict:
        """The valid filters (an invalid one is dropped, never an error page)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", False)}

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", "结束日期不能早于开始日期。")
        return data


class TeamForm(forms.Form):
    name = forms.CharField(label="督导组名称", max_length=60)
    leader = forms.ModelChoiceField(label="组长", queryset=None, required=False, empty_label="（暂不指定）")
    members = forms.ModelMultipleChoiceField(label="成员", queryset=None, required=False, widget=forms.CheckboxSelectMultiple)
    villages = forms.ModelMultipleChoiceField(label="负责村（社区）", queryset=None, required=False, widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, data=None, *, people, villages, team=None, wide=False):
        initial = None
        if team is not None:
            initial = {"name": team.name, "leader": team.leader_id, "note": team.note,
                       "members": [p.pk for p in team.members.all()], "villages": [v.pk for v in team.villages.all()]}
        super().__init__(data, initial=initial)
        self.fields["leader"].queryset = people
        self.fields["members"].queryset = people
        self.fields["villages"].queryset = villages
        self.fields["leader"].label_from_instance = self.fields["members"].label_from_instance = _person_label
        # A county team's villages lie in several towns: each is named with its town.
        self.fields["villages"].label_from_instance = (lambda v: f"{v.parent.display_name} · {v.display_name}") if wide else (lambda v: v.display_name)
        _style(self)

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError("请填写督导组名称。")
        return name


def _person_label(person) -> str:
    return f"{person.name}（{person.get_position_display()} · {person.org_unit.display_name}）"


class SettingsForm(forms.Form):
    visit_within_weeks = forms.IntegerField(label="每村至少每几周督导一次", min_value=1, max_value=12)
    deadline_minor = forms.IntegerField(label="一般问题默认整改期限（天）", min_value=1, max_value=365)
    deadline_general = forms.IntegerField(label="较重问题默认整改期限（天）", min_value=1, max_value=365)
    deadline_serious = forms.IntegerField(label="严重问题默认整改期限（天）", min_value=1, max_value=365)
    reminder_days_before = forms.IntegerField(label="截止前几天提醒", min_value=0, max_value=30)
    escalate_liaison = forms.IntegerField(label="逾期几天告知包村干部", min_value=0, max_value=365)
    escalate_area = forms.IntegerField(label="逾期几天升级到包片领导", min_value=0, max_value=365)
    escalate_town = forms.IntegerField(label="逾期几天升级到镇级管理员", min_value=0, max_value=365)

    def __init__(self, data=None, *, current=None):
        initial = None
        if current is not None:
            days, steps = current.deadline_days or {}, list(current.escalation_days or [0, 3, 7]) + [0, 0, 0]
            initial = {"visit_within_weeks": current.visit_within_weeks, "deadline_minor": days.get("minor"),
                       "deadline_general": days.get("general"), "deadline_serious": days.get("serious"),
                       "reminder_days_before": current.reminder_days_before,
                       "escalate_liaison": steps[0], "escalate_area": steps[1], "escalate_town": steps[2]}
        super().__init__(data, initial=initial)
        _style(self)

    def clean(self):
        data = super().clean()
        steps = [data.get("escalate_liaison"), data.get("escalate_area"), data.get("escalate_town")]
        if None not in steps and not steps[0] <= steps[1] <= steps[2]:
            raise ValidationError("逾期升级天数须逐级不减：包村干部 ≤ 包片领导 ≤ 镇级管理员。")
        minor, general, serious = data.get("deadline_minor"), data.get("deadline_general"), data.get("deadline_serious")
        if None not in (minor, general, serious) and not serious <= general <= minor:
            raise ValidationError("问题越严重，整改期限应越短：严重 ≤ 较重 ≤ 一般。")
        return data


def uploaded_files(request) -> tuple[list, str]:
    """The files of a step (field "files"), at most MAX_FILES; (files, error)."""
    files = [f for f in request.FILES.getlist("files") if f]
    if len(files) > MAX_FILES:
        return [], f"一次最多上传 {MAX_FILES} 个文件，您选择了 {len(files)} 个。"
    return files, ""
