"""A project's photos and documents over the API, through the same service as the page (projects.add_files: content
checked, location metadata stripped, at most MAX_FILES per project). Out of scope → 404; no authority → 403; a
refused file → 400 in Chinese, and then none of the batch is kept."""

from django.db import transaction
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from fivestar.api.schemas import ApiErrorOut

from . import selectors
from .services import projects as project_services
from .services.access import can_edit_project
from .services.errors import ProjectError

router = Router(tags=["项目推介与激励"])
E = ApiErrorOut


class ProjectFileOut(Schema):
    id: int
    name: str = Field(..., description="原文件名")
    kind: str = Field(..., description="photo 照片 | document 文件")
    content_type: str = Field(..., description="文件实际类型（按内容识别）")
    size: int
    url: str = Field(..., description="查看/下载页面地址（与项目详情页相同的权限）")


def file_out(f) -> dict:
    ev = f.evidence
    return {"id": f.pk, "name": ev.original_name, "kind": ev.kind, "content_type": ev.content_type, "size": ev.size,
            "url": f"/projects/{f.project_id}/files/{f.pk}/"}


@router.post("/projects/{int:project_id}/files", response={201: list[ProjectFileOut], 400: E, 403: E, 404: E}, summary="上传项目照片或文件",
             description="multipart/form-data：files 一个或多个文件（每个项目最多 20 个）。类型按内容识别，只接受图片、PDF 和 Office 文件，"
                         "照片的位置信息在保存前去除。任一文件不合格则整批不保存。")
def upload(request, project_id: int, files: list[UploadedFile] = File(..., description="照片或文件（可多个）")):
    p = selectors.project(request.user, project_id)
    if not can_edit_project(request.user, p):
        return Status(403, {"detail": "您无权为该项目上传材料。"})
    try:
        with transaction.atomic():
            added = project_services.add_files(request.user, p, files)
    except ProjectError as e:
        return Status(400, {"detail": e.message})
    if not added:
        return Status(400, {"detail": "请选择要上传的照片或文件。"})
    return Status(201, [file_out(f) for f in added])
