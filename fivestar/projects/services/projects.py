"""Publishing a project, its photos and documents, and other villages' interest."""

from django.db import IntegrityError, transaction

from fivestar.rating.models import Evidence
from fivestar.rating.services.errors import WorkflowError
from fivestar.rating.services.evidence import discard_new_files_on_error, store_evidence

from ..models import Interest, Project, ProjectFile, Stage
from .access import can_edit_project, can_publish, investing_villages, require
from .common import amount, event, saved, text
from .errors import ProjectDenied, ProjectError

MAX_FILES = 20


def _fields(name, industry, investment, expected_return, description) -> dict:
    return {"name": text(name, "项目名称", 60), "industry": text(industry, "产业（一村一品）", 30),
            "investment": amount(investment, "所需投资"), "expected_return": amount(expected_return or 0, "预计年收益", allow_zero=True),
            "description": text(description, "项目简介", 2000, required=False, multiline=True)}


@transaction.atomic
def publish(user, village, *, name, industry, investment, expected_return=0, description="", uploads=(), example=False) -> Project:
    require(can_publish(user, village), "您无权为该村发布项目。")
    project = Project(village=village, created_by=user, example=example,
                      **_fields(name, industry, investment, expected_return, description))
    saved(project, user)
    add_files(user, project, uploads)
    event(project, user, f"发布项目（所需投资 {project.investment:,.0f} 元）", stage=Stage.PLANNED)
    return project


@transaction.atomic
def update(user, project: Project, *, name, industry, investment, expected_return=0, description="") -> Project:
    require(can_edit_project(user, project), "您无权修改该项目。")
    for key, value in _fields(name, industry, investment, expected_return, description).items():
        setattr(project, key, value)
    saved(project, user)
    event(project, user, "修改项目信息")
    return project


def add_files(user, project: Project, uploads) -> list[ProjectFile]:
    """Photos and documents, checked by content with location metadata stripped (rating's evidence store)."""
    uploads = [u for u in uploads or () if u]
    if not uploads:
        return []
    require(can_edit_project(user, project), "您无权为该项目上传材料。")
    if project.files.count() + len(uploads) > MAX_FILES:
        raise ProjectError(f"每个项目最多 {MAX_FILES} 个照片或文件。")
    out = []
    with discard_new_files_on_error():  # a refused file keeps none of the batch, on disk either
        for upload in uploads:
            try:
                kind = Evidence.Kind.PHOTO if (getattr(upload, "content_type", "") or "").startswith("image/") else Evidence.Kind.DOCUMENT
                ev = store_evidence(project.village, user, upload, kind, f"项目材料：{project.name}"[:200])
            except WorkflowError as e:
                raise ProjectError(e.message) from None
            if ev.kind != kind and ev.content_type.startswith("image/"):
                ev.kind = Evidence.Kind.PHOTO
            f, _ = ProjectFile.objects.get_or_create(project=project, evidence=ev)
            out.append(f)
    return out


@transaction.atomic
def express_interest(user, project: Project, village, *, amount_value, note="") -> Interest:
    if village is None or not investing_villages(user, project).filter(pk=village.pk).exists():
        if village is not None and village.pk == project.village_id:
            raise ProjectError("不能对本村发布的项目表达投资意向。")
        raise ProjectDenied("您无权以该村名义表达投资意向（只能是本乡镇其他村）。")
    if project.stage == Stage.OPERATING:
        raise ProjectError("项目已在运营中，不再接受投资意向。")
    value = amount(amount_value, "拟投资金额")
    note = text(note, "说明", 200, required=False)
    interest = Interest.objects.filter(project=project, village=village).first()
    if interest is None:
        interest = Interest(project=project, village=village)
    interest.amount, interest.note, interest.created_by = value, note, user
    try:
        with transaction.atomic():
            saved(interest, user)
    except IntegrityError:
        raise ProjectError(f"{village.display_name}已表达过投资意向。") from None
    event(project, user, f"{village.display_name}表达投资意向，拟投资 {value:,.0f} 元")
    return interest

