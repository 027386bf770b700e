"""Forms of the ledger pages: the list filters and a task (recorded by hand or edited by the town)."""

import re

from django import forms

from .models.ledger import TaskStatus

MAX_FILES = 9
STAR_CODE = re.compile(r"[a-z][a-z0-9_-]{0,9}")
STATUS_CHOICES = [("", "未完成（未开始、推进中）"), *TaskStatus.choices, ("all", "全部")]


def style(form):
    for f in form.fields.values():
        widget = f.widget
        if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)):
            widget.attrs["class"] = "form-check-input"
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class LedgerFilterForm(forms.Form):
    """?status=&star=&overdue=on&responsible=&q= — every field optional; junk is ignored."""

    status = forms.ChoiceField(label="状态", choices=STATUS_CHOICES, required=False)
    star = forms.ChoiceField(label="所属星", required=False)
    responsible = forms.TypedChoiceField(label="责任人", coerce=int, required=False, empty_value=None)
    overdue = forms.BooleanField(label="只看逾期", required=False)
    q = forms.CharField(label="搜索", max_length=60, required=False,
                        widget=forms.TextInput(attrs={"placeholder": "任务/村名/责任人", "type": "search", "aria-label": "搜索"}))

    def __init__(self, data, *, stars: dict, people: list):
        super().__init__(data)
        choices = dict(sorted(stars.items()))
        asked = (data or {}).get("star", "")
        if asked and asked not in choices and STAR_CODE.fullmatch(asked):
            choices[asked] = asked
        self.fields["star"].choices = [("", "全部"), *choices.items()]
        people_choices = [(p.pk, p.name) for p in people]
        asked = str((data or {}).get("responsible", ""))
        if asked.isdigit() and len(asked) < 19 and int(asked) not in {pk for pk, _ in people_choices}:
            people_choices.append((int(asked), "（所选责任人）"))  # a link from a row in a wide list
        self.fields["responsible"].choices = [("", "全部"), *people_choices]
        style(self)

    def values(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", False)}


class TaskForm(forms.Form):
    """A task recorded by hand (village chosen when the page is a town's) or edited by the town."""

    village = forms.TypedChoiceField(label="村（社区）", coerce=int, required=True, empty_value=None)
    star_code = forms.ChoiceField(label="所属星")
    rule_code = forms.CharField(label="所涉细则编号", max_length=40, required=False,
                                widget=forms.TextInput(attrs={"placeholder": "如 cyxw-01-02，可不填"}))
    title = forms.CharField(label="任务", max_length=200)
    description = forms.CharField(label="说明", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    responsible = forms.TypedChoiceField(label="责任人", coerce=int, required=False, empty_value=None)
    deadline = forms.DateField(label="完成时限", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, data=None, *, villages: list, stars: dict, people: list, initial=None, fixed_village=False):
        super().__init__(data, initial=initial)
        self.fields["village"].choices = [("", "请选择")] + [(v.pk, v.display_name) for v in villages]
        if fixed_village:
            self.fields["village"].widget = forms.HiddenInput()
        self.fields["star_code"].choices = [("", "请选择")] + list(stars.items())
        self.fields["responsible"].choices = [("", "按责任链自动指定（包村干部/村书记）")] + [(p.pk, label(p)) for p in people]
        style(self)


def label(person) -> str:
    post = person.get_position_display() if person.position else ""
    return f"{person.name}（{post}）" if post else person.name


def uploaded_files(request) -> tuple[list, str]:
    files = [f for f in request.FILES.getlist("files") if f]
    if len(files) > MAX_FILES:
        return [], f"一次最多上传 {MAX_FILES} 个文件，您选择了 {len(files)} 个。"
    return files, ""
