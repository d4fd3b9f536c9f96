"""Strict request/response models of the HQ API (they mirror :mod:`kamdesk.sync.protocol`).

Request models forbid unknown fields and do no type coercion (``"1"`` is not ``1``),
so a hostile or confused client is refused instead of half-understood.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

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
