"""The task form of the ledger pages: which villages, stars and responsible people it offers (a village's own
people and those of its town, the 包村干部 included), and saving it through save_task."""

from django.db.models import Q

from fivestar.orgs.models import Level, OrgUnit
from fivestar.people.models import Person

from .forms import TaskForm
from .services import PlanningError, save_task
from .services.stars import StarCatalog

MAX_PEOPLE = 200
MAX_VILLAGES = 400


def people_for(unit, keep=None) -> list[Person]:
    """Active people who may own a task of `unit`: for a village its own people, its town's people and whoever holds
    a responsibility for it; for a town its own people. `keep`: the current owner, listed even if not among them."""
    if unit.level == Level.VILLAGE:
        q = Q(org_unit=unit) | Q(org_unit_id=unit.parent_id) | Q(responsibilities__org_unit=unit)
    else:
        q = Q(org_unit=unit)
    people = list(Person.objects.filter(q, active=True).distinct().only("id", "name", "position").order_by("name", "id")[:MAX_PEOPLE])
    if keep is not None and keep.pk not in {p.pk for p in people}:
        people.append(keep)
    return people


def villages_for(unit) -> list[OrgUnit]:
    if unit.level == Level.VILLAGE:
        return [unit]
    return list(OrgUnit.objects.filter(parent=unit, level=Level.VILLAGE, active=True).order_by("code")[:MAX_VILLAGES])


def stars_for(unit) -> dict[str, str]:
    catalog = StarCatalog(unit)
    if unit.level == Level.VILLAGE:
        return {code: star.name for code, star in catalog.stars(unit.branch_type).items()}
    return catalog.names()


def new_form(unit, data=None, year=None) -> TaskForm:
    villages = villages_for(unit)
    form = TaskForm(data, villages=villages, stars=stars_for(unit), people=people_for(unit),
                    initial={"village": unit.pk} if unit.level == Level.VILLAGE else None, fixed_village=unit.level == Level.VILLAGE)
    form.villages = {v.pk: v for v in villages}
    return form


def edit_form(task, data=None) -> TaskForm:
    village = task.org_unit
    initial = {"village": village.pk, "star_code": task.star_code, "rule_code": task.rule_code, "title": task.title,
               "description": task.description, "responsible": task.responsible_id, "deadline": task.deadline}
    form = TaskForm(data, villages=[village], stars=stars_for(village), people=people_for(village, keep=task.responsible),
                    initial=initial, fixed_village=True)
    form.fields["responsible"].choices = [("", "（不指定）"), *form.fields["responsible"].choices[1:]]
    form.villages = {village.pk: village}
    return form


def save_from_form(user, form: TaskForm, *, year=None, task=None, version=None) -> str:
    """Save the form (a new task for `year`, or `task` edited); "" when saved (form.saved holds the task), else
    the message to show."""
    if not form.is_valid():
        first = next(iter(form.errors.items()))
        name, errors = first
        label = form.fields[name].label if name in form.fields else ""
        return f"{label}：{errors[0]}" if label else str(errors[0])
    data = form.cleaned_data
    village = form.villages.get(data["village"])
    if village is None:
        return "请选择村（社区）。"
    people = {pk for pk, _ in form.fields["responsible"].choices if pk != ""}
    responsible = None
    if data.get("responsible"):
        if data["responsible"] not in people:
            return "请从列表中选择责任人。"
        responsible = Person.objects.filter(pk=data["responsible"]).first()
    try:
        form.saved = save_task(user, village=village, year=task.year if task else year, star_code=data["star_code"],
                               title=data["title"], deadline=data["deadline"], responsible=responsible,
                               rule_code=data.get("rule_code", ""), description=data.get("description", ""), task=task,
                               version=version)
    except PlanningError as error:
        return error.message
    return ""
