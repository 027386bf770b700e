"""People, their accounts' roles, and the responsibility chain (包片 / 包村 / 包组 / 包户)."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords

from fivestar.core.roles import Role
from fivestar.core.scoping import ScopedQuerySet
from fivestar.orgs.models import Area, OrgUnit

phone_validator = RegexValidator(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$", "请输入正确的手机号码或座机号码（如 13812345678 或 0393-1234567）。")


class Gender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class Position(models.TextChoices):
    SECRETARY = "secretary", "村党支部书记"
    DIRECTOR = "director", "村委会主任"
    VILLAGE_CADRE = "village_cadre", "村干部"
    TOWN_LEADER = "town_leader", "科级干部"
    TOWN_CADRE = "town_cadre", "镇干部"
    PARTY_MEMBER = "party_member", "党员"
    COUNTY_CADRE = "county_cadre", "县直干部"
    OTHER = "other", "其他"


class Person(models.Model):
    org_unit = models.ForeignKey(OrgUnit, verbose_name="所属单位", on_delete=models.PROTECT, related_name="people")
    name = models.CharField("姓名", max_length=30)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    phone = models.CharField("联系电话", max_length=20, blank=True, validators=[phone_validator])
    position = models.CharField("职务", max_length=20, choices=Position.choices)
    is_party_member = models.BooleanField("中共党员", default=False)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="登录账号", null=True, blank=True, on_delete=models.SET_NULL, related_name="person")
    note = models.CharField("备注", max_length=200, blank=True)
    active = models.BooleanField("在职", default=True)
    # Set by an administrator's password reset; the account must choose its own password before anything else.
    must_change_password = models.BooleanField("须修改密码", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at", "must_change_password"])
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"
        ordering = ["org_unit__path", "position", "name"]
        indexes = [models.Index(fields=["org_unit", "position"]), models.Index(fields=["phone"])]

    def __str__(self):
        return self.name

    def org_path_for_audit(self) -> str:
        return self.org_unit.path


class RoleAssignment(models.Model):
    """A role held by an account over an org unit's subtree (or, for 包片领导, over an area)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="账号", on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    org_unit = models.ForeignKey(OrgUnit, verbose_name="管辖单位", on_delete=models.CASCADE, related_name="role_assignments")
    area = models.ForeignKey(Area, verbose_name="片区", null=True, blank=True, on_delete=models.CASCADE, related_name="role_assignments")
    active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "角色授权"
        verbose_name_plural = "角色授权"
        constraints = [models.UniqueConstraint(fields=["user", "role", "org_unit", "area"], name="role_assignment_unique")]
        indexes = [models.Index(fields=["user", "role"])]

    def __str__(self):
        where = self.area.name if self.area_id else self.org_unit.display_name
        return f"{self.get_role_display()}（{where}）"

    def org_path_for_audit(self) -> str:
        return self.org_unit.path


class Duty(models.TextChoices):
    AREA = "area", "包片"
    VILLAGE = "village", "包村"
    GROUP = "group", "包组"
    HOUSEHOLDS = "households", "包户"


class Responsibility(models.Model):
    """科级干部包片、镇干部包村、村干部包组、党员包户. `org_unit` is the town (包片), village (包村),
    villager group (包组) or the village whose households are covered (包户)."""

    duty = models.CharField("责任类型", max_length=12, choices=Duty.choices)
    person = models.ForeignKey(Person, verbose_name="责任人", on_delete=models.CASCADE, related_name="responsibilities")
    org_unit = models.ForeignKey(OrgUnit, verbose_name="责任单位", on_delete=models.CASCADE, related_name="responsibilities")
    area = models.ForeignKey(Area, verbose_name="片区", null=True, blank=True, on_delete=models.CASCADE, related_name="responsibilities")
    household_count = models.PositiveIntegerField("联系户数", null=True, blank=True)
    household_heads = models.TextField("户主名单", blank=True, help_text="每行一个户主姓名，可不填")
    since = models.DateField("起始日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "责任分工"
        verbose_name_plural = "责任分工"
        ordering = ["org_unit__path", "duty"]
        indexes = [models.Index(fields=["org_unit", "duty"]), models.Index(fields=["area", "duty"])]

    def __str__(self):
        target = self.area.name if self.area_id else self.org_unit.display_name
        return f"{self.get_duty_display()}：{self.person.name} → {target}"

    def heads(self) -> list[str]:
        return [line.strip() for line in self.household_heads.splitlines() if line.strip()]

    def org_path_for_audit(self) -> str:
        return self.org_unit.path
