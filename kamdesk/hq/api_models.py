"""Strict request/response models of the HQ API (they mirror :mod:`kamdesk.sync.protocol`).

Request models forbid unknown fields and do no type coercion (``"1"`` is not ``1``),
so a hostile or confused client is refused instead of half-understood.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from kamdesk.sync.messages import MAX_BATCH_OPS, MAX_MISSING_IDS

_STRICT = ConfigDict(extra="forbid", strict=True, populate_by_name=True)

DeviceName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Version = Annotated[int, Field(ge=0, le=1_000_000)]


class RegisterIn(BaseModel):
    model_config = _STRICT

    code: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    device_name: DeviceName
    protocol: Version
    schema_: Version = Field(alias="schema")


class RegisterOut(BaseModel):
    device_id: str
    token: str
    branch_code: str
    branch_name: str


class WhoAmIOut(BaseModel):
    device_id: str
    device_name: str
    branch_code: str
    branch_name: str


class HealthOut(BaseModel):
    status: str
    protocol: int
    min_protocol: int
    schema_: int = Field(alias="schema")
    min_schema: int


class ErrorOut(BaseModel):
    """Every refusal: a stable ``code``, English ``message``, and the message's params."""

    code: str
    message: str
    params: dict[str, str | int] = Field(default_factory=dict)


TableName = Annotated[str, StringConstraints(min_length=1, max_length=48)]
RowId = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Hlc = Annotated[str, StringConstraints(pattern=r"^\d{13}-\d{5}-[^\s]{1,40}$")]


class PushOpIn(BaseModel):
    model_config = _STRICT

    seq: Annotated[int, Field(ge=0)]
    table: TableName
    row_id: RowId
    op: Literal["upsert", "append", "delete"]
    payload: dict[str, Any]
    base_version: Annotated[int, Field(ge=0)]
    hlc: Hlc


class PushIn(BaseModel):
    model_config = _STRICT

    batch_id: Annotated[str, StringConstraints(min_length=1, max_length=36)]
    batch_seq: Annotated[int, Field(ge=1)]
    ops: Annotated[list[PushOpIn], Field(max_length=MAX_BATCH_OPS)]


class ChangeOut(BaseModel):
    seq: int
    table: str
    row_id: str
    row_version: int
    hlc: str
    deleted: bool
    payload: dict[str, Any]
    field_hlc: dict[str, Any]
    field_versions: dict[str, Any]


class OpResultOut(BaseModel):
    seq: int
    table: str
    row_id: str
    status: str
    row_version: int | None = None
    code: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    current: ChangeOut | None = None


class ConflictOut(BaseModel):
    table: str
    row_id: str
    field: str
    kept_value: Any
    lost_value: Any
    kept_hlc: str
    lost_hlc: str
    kept_by: str | None = None
    lost_by: str | None = None


class PushOut(BaseModel):
    batch_id: str
    batch_seq: int
    results: list[OpResultOut]
    conflicts: list[ConflictOut]


class PullOut(BaseModel):
    changes: list[ChangeOut]
    cursor: int
    more: bool
    head: int
    horizon: int = 0


class MissingRowsIn(BaseModel):
    model_config = _STRICT

    table: TableName
    ids: Annotated[list[RowId], Field(max_length=MAX_MISSING_IDS)]


class MissingRowsOut(BaseModel):
    table: str
    missing: list[str]


class BlobOut(BaseModel):
    sha256: str
    size: int


Mac = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class AuditHeadIn(BaseModel):
    model_config = _STRICT

    seq: Annotated[int, Field(ge=0)]
    mac: Mac
    anchor_seq: Annotated[int, Field(ge=0)]
    anchor_mac: Mac | None


class AuditAlarmOut(BaseModel):
    status: str
    reported_at: str
    seq: int
    known_seq: int


class AuditHeadOut(BaseModel):
    status: str
    seq: int
    known_seq: int | None
    alarm: AuditAlarmOut | None
