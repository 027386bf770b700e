"""Response schemas every app's API shares: errors, a unit or person reference, a stored file. One class per shape,
so OpenAPI documents each once (two classes with one name would be merged into one schema by ninja)."""

from ninja import Schema
from pydantic import Field


class ApiErrorOut(Schema):
    detail: str = Field(..., description="错误说明（中文）")


class ApiFieldErrorOut(Schema):
    field: str = Field(..., description="出错的字段路径")
    message: str = Field(..., description="错误说明（中文）")
    type: str = Field("", description="错误类型")


class ApiValidationErrorOut(Schema):
    detail: str = Field(..., description="错误说明（中文）")
    errors: list[ApiFieldErrorOut] = Field(..., description="逐个字段的错误")


class UnitRefOut(Schema):
    code: str = Field(..., description="单位代码")
    name: str = Field(..., description="单位名称")


class RefOut(Schema):
    id: int = Field(..., description="编号")
    name: str = Field(..., description="名称（姓名）")


class EvidenceFileOut(Schema):
    id: int = Field(..., description="文件编号")
    name: str = Field(..., description="原文件名")
    kind: str = Field(..., description="photo 照片 | document 文件 | ledger 台账/记录")
    content_type: str = Field(..., description="文件实际类型（按内容识别）")
    size: int = Field(..., description="大小（字节）")
    download: str = Field(..., description="下载地址（接口，需令牌）")
