"""操作记录 as a person reads it: who (name and post), what, on which unit, when (local time), and the changes in words.

Two sources make one feed, merged by a UNION in SQL, ordered and paginated there:
- AuditEvent: every tracked model's writes (simple-history) and imports, and a round's phase changes
  (开启评星 / 发布公示 / 撤回公示 / 认定);
- the rating workflow's AssessmentEvent rows (提交、退回修改、审核通过、重新打开、异议处理、认定、审核改值;
  the village's rule-by-rule entry only when asked for).
Both sides are scoped in SQL to the user's subtrees before the union. A page is then filled in a fixed
number of queries whatever its length: the page's rows of each source, the actors' people and roles, one
query per related model named in the changes, and the frameworks of the page's assessments.
"""

import datetime

from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.utils import timezone
from django.utils.dateformat import format as date_format

from fivestar.orgs.models import OrgUnit

from .models import AuditEvent
from .pagination import paginate
from .scoping import scope_q
from .text import clean_text, excerpt

DATETIME_FORMAT = "Y年n月j日 H:i"
DATE_FORMAT = "Y年n月j日"

KIND_WORKFLOW = "rating.workflow"
KIND_ENTRY = "rating.entry"

MODEL_CHOICES = [
    (KIND_WORKFLOW, "评星流程（提交、审核、退回、认定）"),
    (KIND_ENTRY, "村级填报与佐证"),
    ("rating.round", "评星周期（开启、公示、认定）"),
    ("orgs.orgunit", "组织单位"),
    ("orgs.area", "片区"),
    ("people.person", "人员"),
    ("people.roleassignment", "角色授权"),
    ("people.responsibility", "责任分工"),
    ("imports.batch", "数据导入"),
    ("auth.user", "登录账号"),
    ("indicators.collectiveincome", "村集体经济收入"),
    ("standards.branchresult", "支部细则结果"),
    ("standards.frameworkversion", "创建标准版本"),
    ("rating.starholding", "星级持有"),
    ("rating.vetoevent", "否决事项"),
]

# Field names that have no Chinese verbose_name in their model (Django's default is the English name).
FIELD_LABELS = {"created_at": "创建时间", "updated_at": "更新时间", "id": "编号"}
# JSON values whose items are codes with a Chinese name.
_LEVEL_NAMES = {"village": "村级自评", "town": "镇级初审", "county": "县级审核", "city": "市级复核", "province": "省级抽查"}
VALUE_LABELS = {("rating.round", "extra_levels"): _LEVEL_NAMES}

_TONES = {
    "create": "success", "update": "secondary", "delete": "danger", "import": "info", "open": "primary",
    "publish": "warning", "withdraw": "danger", "recognise": "success", "submit": "primary", "return": "danger",
    "approve": "success", "reopen": "warning", "objection": "warning", "review_change": "secondary",
    "answer": "light", "confirm": "light", "evidence": "light", "expire": "danger", "restore": "warning",
}


def _workflow_actions():
    from fivestar.rating.models import AssessmentEvent

    A = AssessmentEvent.Action
    workflow = [A.SUBMIT, A.RETURN, A.APPROVE, A.REOPEN, A.OBJECTION, A.RECOGNISE, A.REVIEW_CHANGE, A.EXPIRE, A.RESTORE]
    entry = [A.ANSWER, A.CONFIRM, A.EVIDENCE]
    return [str(a) for a in workflow], [str(a) for a in entry]


AUDIT_ACTIONS = [str(a) for a in AuditEvent.Action if a != AuditEvent.Action.LOGIN]
ACTION_CHOICES = [
    ("submit", "提交"), ("return", "退回修改"), ("approve", "审核通过"), ("reopen", "重新打开"), ("objection", "异议处理"),
    ("review_change", "审核改值"), ("expire", "截止处理"), ("restore", "撤销截止处理"), ("open", "开启评星"), ("publish", "发布公示"), ("withdraw", "撤回公示"), ("recognise", "认定"),
    ("create", "新增"), ("update", "修改"), ("delete", "删除"), ("import", "导入"),
]


class HistoryFilter(forms.Form):
    """The feed's filters; an invalid one is reported and left out, never an error page."""

    model = forms.ChoiceField(label="类型", required=False, choices=[("", "全部类型")] + MODEL_CHOICES)
    object = forms.CharField(label="对象编号", required=False, max_length=40)
    action = forms.ChoiceField(label="操作", required=False, choices=[("", "全部操作")] + ACTION_CHOICES)
    who = forms.CharField(label="操作人", required=False, max_length=30)
    unit = forms.CharField(label="单位", required=False, max_length=100)
    since = forms.DateField(label="起始日期", required=False)
    until = forms.DateField(label="截止日期", required=False)

    def __init__(self, data, user):
        super().__init__(data)
        self.user = user
        self.unit = None

    def clean_unit(self):
        text = clean_text(self.cleaned_data.get("unit") or "", multiline=False).strip()
        if not text:
            return ""
        visible = OrgUnit.objects.visible_to(self.user)
        unit = visible.filter(code=text).first() or visible.filter(Q(display_name=text) | Q(name=text)).order_by("level", "path").first()
        if unit is None:
            raise forms.ValidationError(f"单位「{excerpt(text, 20)}」不存在或不在您的管辖范围内。")
        self.unit = unit
        return text

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "截止日期不能早于起始日期。")
        return data

    def values(self) -> dict:
        """The valid filters (an invalid one is dropped; its error is shown beside the form)."""
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v not in (None, "") and k not in self.errors}

    def error_messages(self) -> list[str]:
        self.is_valid()
        return [f"{self.fields[name].label}：{message}" if name in self.fields else message
                for name, messages in self.errors.items() for message in messages]


def format_datetime(value) -> str:
    """2026年11月30日 14:05, in local time."""
    if not value:
        return ""
    return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, DATETIME_FORMAT)


def _day_start(day: datetime.date):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), timezone.get_default_timezone())


def feed(user, filters: dict | None = None, unit: OrgUnit | None = None):
    """(source, id, at) rows of every event the user may see, newest first: one SQL query, scoped and filtered."""
    from fivestar.rating.models import AssessmentEvent

    filters = filters or {}
    workflow, entry = _workflow_actions()
    audits = AuditEvent.objects.visible_to(user)
    flow = AssessmentEvent.objects.filter(scope_q(user, via="assessment__org_unit__"))
    kind = filters.get("model", "")
    if kind == KIND_WORKFLOW:
        audits, flow = None, flow.filter(action__in=workflow)
    elif kind == KIND_ENTRY:
        audits, flow = None, flow.filter(action__in=entry)
    elif kind:
        audits, flow = audits.filter(model=kind), None
        if filters.get("object"):
            audits = audits.filter(object_id=filters["object"])
    else:
        flow = flow.filter(action__in=workflow)
    action = filters.get("action")
    if action:
        audits = audits.filter(action=action) if audits is not None and action in AUDIT_ACTIONS else None
        flow = flow.filter(action=action) if flow is not None and action in workflow + entry else None
    who = filters.get("who")
    if who:
        person = Q(user__person__name__contains=who) | Q(user__username=who)
        audits = audits.filter(person) if audits is not None else None
        flow = flow.filter(person) if flow is not None else None
    if unit is not None:
        audits = audits.filter(org_unit__path__startswith=unit.path) if audits is not None else None
        flow = flow.filter(assessment__org_unit__path__startswith=unit.path) if flow is not None else None
    since, until = filters.get("since"), filters.get("until")
    for bound, lookup in ((since, "at__gte"), (until and until + datetime.timedelta(days=1), "at__lt")):
        if bound:
            audits = audits.filter(**{lookup: _day_start(bound)}) if audits is not None else None
            flow = flow.filter(**{lookup: _day_start(bound)}) if flow is not None else None
    parts = [qs.order_by().annotate(src=Value(src, output_field=models.CharField())).values("src", "id", "at")
             for src, qs in (("a", audits), ("w", flow)) if qs is not None]
    if not parts:
        return AuditEvent.objects.none().annotate(src=Value("a", output_field=models.CharField())).values("src", "id", "at")
    if len(parts) == 1:
        return parts[0].order_by("-at", "-id")
    return parts[0].union(parts[1], all=True).order_by("-at", "-id")


# ---- names instead of ids -------------------------------------------------------------------------------

def _position_label(position: str) -> str:
    from fivestar.people.models import Position

    return dict(Position.choices).get(position, "")


def user_labels(users) -> dict[int, str]:
    """Like `actor_labels` for account objects already loaded with select_related("…person"): the people
    need no query, only accounts without a person are looked up (their role)."""
    labels, no_person, unknown = {}, set(), set()
    missing = object()
    for user in users:
        if user is None:
            continue
        person = user._state.fields_cache.get("person", missing)
        if person is missing:
            unknown.add(user.pk)
        elif person is None:
            no_person.add(user.pk)
        else:
            post = _position_label(person.position)
            labels[user.pk] = f"{person.name}（{post}）" if post else person.name
    return {**actor_labels(unknown), **actor_labels(no_person - unknown, people_known_absent=True), **labels}


def actor_labels(user_ids, people_known_absent: bool = False) -> dict[int, str]:
    """Account id → "姓名（职务）"; an account without a person → "角色（单位）"; never the login name."""
    from fivestar.people.models import Person, RoleAssignment

    ids = {i for i in user_ids if i}
    if not ids:
        return {}
    labels = {}
    people = [] if people_known_absent else Person.objects.filter(user_id__in=ids).values_list("user_id", "name", "position")
    for user_id, name, position in people:
        post = _position_label(position)
        labels[user_id] = f"{name}（{post}）" if post else name
    rest = ids - labels.keys()
    if rest:
        grants = RoleAssignment.objects.filter(user_id__in=rest, active=True).select_related("org_unit", "area").order_by("org_unit__level", "id")
        for ra in grants:
            labels.setdefault(ra.user_id, f"{ra.get_role_display()}（{ra.area.name if ra.area_id else ra.org_unit.display_name}）")
    rest -= labels.keys()
    if rest:
        for user_id, superuser in get_user_model().objects.filter(pk__in=rest).values_list("pk", "is_superuser"):
            labels[user_id] = "系统管理员" if superuser else "未登记人员的账号"
    return labels


def _labels_for(model, ids: set) -> dict:
    """Related object id → its Chinese label, one query for the whole page."""
    label = model._meta.label_lower
    if label == settings.AUTH_USER_MODEL.lower():
        return actor_labels(ids)
    rows = model._base_manager.filter(pk__in=ids)
    if label == "orgs.orgunit":
        return dict(rows.values_list("pk", "display_name"))
    if label in ("orgs.area", "rating.round"):
        return dict(rows.values_list("pk", "name"))
    if label == "people.person":
        return {pk: f"{name}（{_position_label(pos)}）" for pk, name, pos in rows.values_list("pk", "name", "position")}
    if label == "standards.frameworkversion":
        return {pk: f"{name}（{version}）" for pk, name, version in rows.values_list("pk", "name", "version")}
    return {obj.pk: str(obj) for obj in rows}


def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _field(model, name: str):
    if model is None or not name:
        return None
    try:
        return model._meta.get_field(name)
    except Exception:
        return None


def _is_fk(field) -> bool:
    return field is not None and field.is_relation and (field.many_to_one or field.one_to_one) and field.concrete


def _key(field, raw):
    try:
        return field.related_model._meta.pk.to_python(raw)
    except Exception:
        return None


def _parse_datetime(raw: str):
    try:
        value = datetime.datetime.fromisoformat(str(raw))
    except ValueError:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return timezone.localtime(value)


def _value(model_label: str, field, raw, fk_labels: dict) -> str:
    """A stored before/after value in words."""
    if raw in (None, ""):
        return ""
    if field is None:
        return excerpt(raw, 80)
    if _is_fk(field):
        key = _key(field, raw)
        found = fk_labels.get(field.related_model, {}).get(key)
        return found if found is not None else f"已删除的{field.related_model._meta.verbose_name}"
    if getattr(field, "choices", None):
        choices = {str(k): str(v) for k, v in field.flatchoices}
        return choices.get(str(raw), str(raw))
    if isinstance(field, models.BooleanField):
        return {"True": "是", "False": "否"}.get(str(raw), str(raw))
    if isinstance(field, models.DateTimeField):
        value = _parse_datetime(raw)
        return date_format(value, DATETIME_FORMAT) if value else excerpt(raw, 40)
    if isinstance(field, models.DateField):
        try:
            return date_format(datetime.date.fromisoformat(str(raw)[:10]), DATE_FORMAT)
        except ValueError:
            return excerpt(raw, 40)
    names = VALUE_LABELS.get((model_label, field.name))
    if names:
        return "、".join(names.get(part.strip(" '\"[]"), part.strip(" '\"[]")) for part in str(raw).split("、") if part.strip(" '\"[]"))
    return excerpt(raw, 80)


def _field_label(field, change: dict) -> str:
    label = str(field.verbose_name) if field is not None else str(change.get("label") or "")
    name = change.get("field", "")
    if not label or label.isascii():
        label = FIELD_LABELS.get(name, "其他字段")
    return label


def _audit_fields(events: list[AuditEvent]):
    """Each (model, field) named in the events' changes, and the related ids to name per related model."""
    fields, wanted = {}, {}
    for e in events:
        model = _model(e.model)
        for change in e.changes or []:
            field = _field(model, change.get("field", ""))
            fields[(e.model, change.get("field", ""))] = field
            if _is_fk(field):
                for raw in (change.get("old"), change.get("new")):
                    key = _key(field, raw) if raw not in (None, "") else None
                    if key is not None:
                        wanted.setdefault(field.related_model, set()).add(key)
    return fields, wanted


def _audit_entries(events: list[AuditEvent], actors: dict, fields: dict, fk_labels: dict) -> dict[int, dict]:
    entries = {}
    for e in events:
        changes = []
        for change in e.changes or []:
            field = fields.get((e.model, change.get("field", "")))
            changes.append({
                "label": _field_label(field, change),
                "old": _value(e.model, field, change.get("old"), fk_labels),
                "new": _value(e.model, field, change.get("new"), fk_labels),
            })
        entries[e.pk] = {
            "source": "audit", "id": e.pk, "at": e.at, "user_id": e.user_id, "actor": actors.get(e.user_id, "系统") if e.user_id else "系统",
            "action": e.get_action_display(), "action_code": e.action, "tone": _TONES.get(e.action, "secondary"),
            "subject": f"{e.model_label}「{e.object_repr}」" if e.object_repr else e.model_label,
            "model": e.model, "object_id": e.object_id,
            "unit": e.org_unit.display_name if e.org_unit_id and e.org_unit else "",
            "unit_code": e.org_unit.code if e.org_unit_id and e.org_unit else "",
            "summary": e.summary, "changes": changes, "reason": "",
        }
    return entries


def _plain(value, names: dict) -> str:
    """A workflow detail (status, star codes, counts) in words."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(_plain(v, names) for v in value) or "无"
    if isinstance(value, dict):
        return excerpt("；".join(f"{k}：{_plain(v, names)}" for k, v in value.items()), 80)
    return excerpt(names.get(value, value) if isinstance(value, str) else value, 80)


def _workflow_entries(events: list, actors: dict) -> dict[int, dict]:
    from fivestar.rating.models import AssessmentEvent, Status
    from fivestar.rating.selectors_assessment import show_value
    from fivestar.standards.models import FrameworkVersion

    framework_ids = {e.assessment.framework_id for e in events}
    compiled = {fw.pk: fw.compiled() for fw in FrameworkVersion.objects.filter(pk__in=framework_ids)}
    entries = {}
    for e in events:
        fw = compiled.get(e.assessment.framework_id)
        names = {s.code: s.name for s in fw.stars} if fw else {}
        names.update({str(k): str(v) for k, v in Status.choices})
        rules = fw.rules_by_code if fw else {}

        def rule_label(code):
            rule = rules.get(code)
            return f"细则「{excerpt(rule.text, 24)}」" if rule else f"细则 {excerpt(code, 20)}"

        changes = []
        if e.rule_code:
            rule = rules.get(e.rule_code)
            changes.append({"label": rule_label(e.rule_code),
                            "old": show_value(rule, e.old, names) if e.old is not None else "",
                            "new": show_value(rule, e.new, names) if e.new is not None else "（空）"})
        elif e.action == AssessmentEvent.Action.RETURN and isinstance(e.new, dict):
            changes += [{"label": rule_label(code), "old": "", "new": excerpt(comment, 80)} for code, comment in e.new.items()]
        else:
            old = e.old if isinstance(e.old, dict) else {}
            new = e.new if isinstance(e.new, dict) else {}
            for key in list(dict.fromkeys([*old, *new])):
                changes.append({"label": excerpt(key, 20),
                                "old": _plain(old[key], names) if key in old else "",
                                "new": _plain(new[key], names) if key in new else ""})
        level = _LEVEL_NAMES.get(e.level, "系统" if e.level == "system" else "")
        a = e.assessment
        entries[e.pk] = {
            "source": "workflow", "id": e.pk, "at": e.at, "user_id": e.user_id, "actor": actors.get(e.user_id, "系统") if e.user_id else "系统",
            "action": f"{e.get_action_display()}" + (f"（{level}）" if level else ""), "action_code": e.action,
            "tone": _TONES.get(e.action, "secondary"),
            "subject": f"评星申报「{a.org_unit.display_name} · {a.round.name}」",
            "model": "rating.assessment", "object_id": str(e.assessment_id),
            "unit": a.org_unit.display_name, "unit_code": a.org_unit.code, "summary": "", "changes": changes,
            "reason": excerpt(e.reason, 200) if e.reason else "",
        }
    return entries


def entries(rows) -> list[dict]:
    """The feed's (source, id, at) rows as readable entries, in the same order, in a fixed number of queries."""
    from fivestar.rating.models import AssessmentEvent

    rows = list(rows)
    audit_ids = [r["id"] for r in rows if r["src"] == "a"]
    flow_ids = [r["id"] for r in rows if r["src"] == "w"]
    audits = list(AuditEvent.objects.filter(pk__in=audit_ids).select_related("org_unit").only(
        "id", "at", "user_id", "action", "model", "model_label", "object_id", "object_repr", "changes", "summary",
        "org_unit__display_name", "org_unit__code")) if audit_ids else []
    flows = list(AssessmentEvent.objects.filter(pk__in=flow_ids).select_related("assessment__org_unit", "assessment__round").only(
        "id", "at", "user_id", "level", "action", "rule_code", "old", "new", "reason", "assessment__framework_id",
        "assessment__org_unit__display_name", "assessment__org_unit__code", "assessment__round__name")) if flow_ids else []
    fields, wanted = _audit_fields(audits)
    user_model = get_user_model()
    actors = actor_labels({e.user_id for e in audits} | {e.user_id for e in flows} | wanted.pop(user_model, set()))
    fk_labels = {related: _labels_for(related, ids) for related, ids in wanted.items()}
    fk_labels[user_model] = actors
    by_source = {"a": _audit_entries(audits, actors, fields, fk_labels), "w": _workflow_entries(flows, actors)}
    return [by_source[r["src"]][r["id"]] for r in rows if r["id"] in by_source[r["src"]]]


def history_page(request, filters: HistoryFilter):
    """One page of the user's history feed, filled with readable entries."""
    values = filters.values()
    rows = feed(request.user, values, filters.unit if "unit" in values else None)
    if filters.errors:  # a wrong filter shows nothing rather than everything
        rows = rows.none() if hasattr(rows, "none") else rows
    page = paginate(request, rows)
    page.entries = entries(page.object_list)
    return page


def recent(user, limit: int = 8) -> list[dict]:
    return entries(feed(user)[:limit])


def status_steps(events, status_labels: dict, action_labels: dict) -> list[dict]:
    """A workflow record's steps (events with user, action, from_status, to_status, reason) for its page: who in
    words, the action and the status move in Chinese; names read in one query for all of them."""
    rows = list(events)
    labels = actor_labels({e.user_id for e in rows})
    out = []
    for e in rows:
        move = ""
        if e.from_status and e.to_status and e.from_status != e.to_status:
            move = f"{status_labels.get(e.from_status, e.from_status)} → {status_labels.get(e.to_status, e.to_status)}"
        out.append({"at": e.at, "who": labels.get(e.user_id, "系统" if e.user_id is None else ""), "action": action_labels.get(e.action, e.action),
                    "move": move, "reason": e.reason, "code": e.action})
    return out
