"""Forms for people, responsibilities, accounts and roles. Org units are entered as a code (with
suggestions) and resolved against the user's scoped queryset: a province has 50,000 units, too many
for a select."""

from django import forms
from django.core.exceptions import ValidationError

from fivestar.core.roles import Action
from fivestar.orgs.models import Area, OrgUnit

from . import rules
from .models import Duty, Gender, Position
from .selectors import match_units

UNIT_OUT_OF_SCOPE = "单位代码「{code}」不存在或不在您的管辖范围内"


def _unit_input(placeholder="输入单位代码，或名称/拼音首字母后从列表选择"):
    return forms.TextInput(attrs={"list": "unit-options", "placeholder": placeholder, "autocomplete": "off", "class": "fs-unit-input"})


class BootstrapMixin:
    def _style(self):
        for field in self.fields.values():
            widget = field.widget
            css = "form-check-input" if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect)) else (
                "form-select" if isinstance(widget, forms.Select) else "form-control")
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class UnitCodeMixin:
    """Resolves the `org_unit` code field to an OrgUnit the user may `unit_action` on."""

    unit_action = Action.MANAGE_PEOPLE

    def clean_org_unit(self):
        """A unit code; a name or pinyin is accepted too when it matches exactly one unit in scope."""
        value = rules.text(self.cleaned_data.get("org_unit"))
        if value.isdigit():
            unit = OrgUnit.objects.visible_to(self.user, self.unit_action).filter(code=value).first()
            if unit is None:
                raise ValidationError(UNIT_OUT_OF_SCOPE.format(code=value))
            return unit
        matches = match_units(self.user, value, self.unit_action)
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise ValidationError(f"没有找到与「{value}」匹配、且在您管辖范围内的单位")
        names = "、".join(u.display_name for u in matches[:5])
        raise ValidationError(f"「{value}」匹配到多个单位（{names}{'等' if len(matches) > 5 else ''}），请从列表中选择或填写单位代码")


class PersonForm(BootstrapMixin, UnitCodeMixin, forms.Form):
    org_unit = forms.CharField(label="所属单位代码", max_length=15, widget=_unit_input())
    name = forms.CharField(label="姓名", max_length=30)
    gender = forms.ChoiceField(label="性别", choices=Gender.choices)
    phone = forms.CharField(label="联系电话", max_length=20, required=False, help_text="手机号或座机号，如 13812345678、0393-1234567")
    position = forms.ChoiceField(label="职务", choices=[("", "请选择职务")] + Position.choices)
    is_party_member = forms.BooleanField(label="中共党员", required=False)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, user, *args, instance=None, **kwargs):
        self.user = user
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "org_unit": instance.org_unit.code, "name": instance.name, "gender": instance.gender, "phone": instance.phone,
                "position": instance.position, "is_party_member": instance.is_party_member, "note": instance.note,
            }
        super().__init__(*args, **kwargs)
        self._style()

    def clean_name(self):
        try:
            return rules.parse_name(self.cleaned_data["name"])
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def clean_phone(self):
        try:
            return rules.parse_phone(self.cleaned_data.get("phone"))
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def clean(self):
        data = super().clean()
        if isinstance(data.get("org_unit"), OrgUnit) and data.get("position"):
            for field, message in rules.person_problems(data["org_unit"], data["position"], data.get("is_party_member", False)).items():
                self.add_error(field, message)
        return data


class ResponsibilityForm(BootstrapMixin, UnitCodeMixin, forms.Form):
    duty = forms.ChoiceField(label="责任类型", choices=[("", "请选择")] + Duty.choices)
    org_unit = forms.CharField(label="责任单位代码", max_length=15, widget=_unit_input(),
                               help_text="包片填乡镇代码，包村/包户填村（社区）代码，包组填村民小组代码")
    area = forms.CharField(label="片区名称", max_length=50, required=False, help_text="仅包片填写，须为该乡镇已有的片区")
    household_count = forms.IntegerField(label="联系户数", min_value=0, max_value=rules.MAX_HOUSEHOLDS, required=False, help_text="仅包户填写")
    household_heads = forms.CharField(label="户主名单", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                      help_text="仅包户填写，可不填；用顿号“、”或换行分隔")
    since = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, user, person, *args, **kwargs):
        self.user = user
        self.person = person
        super().__init__(*args, **kwargs)
        self.fields["household_count"].error_messages["min_value"] = "联系户数不能小于0"
        self._style()

    def clean(self):
        data = super().clean()
        unit, duty = data.get("org_unit"), data.get("duty")
        if not isinstance(unit, OrgUnit) or not duty:
            return data
        area = None
        name = rules.text(data.get("area"))
        if name:
            area = Area.objects.filter(town=unit, name=name).first()
            if area is None:
                self.add_error("area", f"片区「{name}」不属于「{unit.display_name}」")
                return data
        data["area"] = area
        heads = rules.split_heads(data.get("household_heads"))
        problems = rules.duty_problems(duty, unit, area, data.get("household_count"), heads, self.person.is_party_member)
        for field, message in problems.items():
            if field not in self.errors:  # a field that failed its own validation already says why
                self.add_error(None if field == "person" else field, message)
        return data


class AccountForm(BootstrapMixin, forms.Form):
    username = forms.CharField(label="用户名", max_length=30, help_text="3至30位字母、数字或 _ . @ + -；初始密码由系统生成，仅显示一次")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class RoleGrantForm(BootstrapMixin, UnitCodeMixin, forms.Form):
    unit_action = Action.MANAGE_ACCOUNTS

    role = forms.ChoiceField(label="角色")
    org_unit = forms.CharField(label="管辖单位代码", max_length=15, widget=_unit_input(), help_text="角色覆盖该单位及其全部下级")
    area = forms.CharField(label="片区名称", max_length=50, required=False, help_text="仅包片领导填写，须为该乡镇的片区")

    def __init__(self, user, role_choices, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "请选择角色")] + list(role_choices)
        self._style()


class PersonFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label="姓名或电话", required=False, max_length=30)
    unit = forms.CharField(label="单位", required=False, max_length=30, widget=_unit_input("单位代码、名称或拼音首字母"))
    position = forms.ChoiceField(label="职务", required=False, choices=[("", "全部职务")] + Position.choices)
    party = forms.ChoiceField(label="党员", required=False, choices=[("", "党员与非党员"), ("1", "中共党员"), ("0", "非党员")])
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "在职"), ("inactive", "已停用"), ("all", "全部")])

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self._style()
        for field in self.fields.values():
            field.widget.attrs["class"] += " form-control-sm" if "form-control" in field.widget.attrs["class"] else " form-select-sm"
