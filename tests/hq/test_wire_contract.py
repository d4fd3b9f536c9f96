"""The HQ's strict API models and the desktop's plain wire types describe one contract."""

from __future__ import annotations

from dataclasses import fields

import pytest

from kamdesk.errors import KamdeskError, message_template
from kamdesk.hq.api_models import (
    AuditAlarmOut,
    AuditHeadIn,
    AuditHeadOut,
    ErrorOut,
    RegisterIn,
    RegisterOut,
    WhoAmIOut,
)
from kamdesk.hq.http_guards import STATUS
from kamdesk.i18n import set_language
from kamdesk.sync.messages import AuditAlarm, AuditHeadAnswer, AuditHeadReport
from kamdesk.sync.protocol import ErrorBody, RegisterRequest, RegisterResponse, WhoAmI


def _wire_names(model: type) -> set[str]:
    return {info.alias or name for name, info in model.model_fields.items()}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("plain", "strict"),
    [
        (RegisterRequest, RegisterIn),
        (RegisterResponse, RegisterOut),
        (WhoAmI, WhoAmIOut),
        (ErrorBody, ErrorOut),
        (AuditHeadReport, AuditHeadIn),
        (AuditHeadAnswer, AuditHeadOut),
        (AuditAlarm, AuditAlarmOut),
    ],
)
def test_field_names_match(plain: type, strict: type):
    assert {f.name for f in fields(plain)} == _wire_names(strict)


def test_a_request_built_by_the_desktop_passes_hq_validation():
    wire = RegisterRequest(code="ABCD-EFGH-JKMN-PQRS", device_name="前台电脑").to_wire()
    parsed = RegisterIn.model_validate(wire)
    assert (parsed.protocol, parsed.schema_) == (1, 1)


def test_a_response_missing_a_field_is_a_readable_error_not_a_crash():
    with pytest.raises(KamdeskError) as caught:
        RegisterResponse.from_wire({"device_id": "x", "branch_code": "HZ", "branch_name": "y"})
    assert caught.value.code == "protocol.bad_response"
    assert "token" in caught.value.params["detail"]
    assert "token=" not in repr(
        RegisterResponse(device_id="d", token="secret", branch_code="HZ", branch_name="n")
    ), "the token never lands in a log line through repr"


def test_every_status_code_has_words_and_a_refusal_reads_in_chinese():
    assert all(message_template(code) for code in STATUS)
    body = ErrorBody.from_wire(
        {"code": "protocol.too_old", "message": "…", "params": {"client": 0, "minimum": 1}}
    )
    set_language("zh_CN")
    text = body.to_error().message()
    assert "0" in text
    assert "1" in text
    assert "Please update" not in text
