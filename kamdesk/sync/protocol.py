"""Wire types and versions shared by the desktop sync client and the HQ service.

Plain frozen dataclasses (no pydantic, no HTTP library) so both sides can import them.
HQ validates incoming bodies with its own strict models that mirror these field names
(a test keeps the two in step).

Versions: every request names the protocol it speaks in the ``X-Kamdesk-Protocol``
header (and its schema generation in ``X-Kamdesk-Schema``). HQ refuses a client older
than its minimum with HTTP 426 and a plain message, never with data it may misread.

Errors on the wire are ``{"code", "message", "params"}``: ``code`` is stable and
registered here, so the desktop shows the text in its user's language; ``message`` is
the English source, for logs and people using curl.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_

PROTOCOL_VERSION = 1
"""The protocol this code speaks."""
MIN_PROTOCOL_VERSION = 1
"""The oldest protocol HQ still serves; older clients get 426."""
SCHEMA_VERSION = 1
"""Generation of the synced tables' wire shape (changes are additive first)."""
MIN_SCHEMA_VERSION = 1
"""The oldest desktop schema generation HQ accepts."""

API_PREFIX = "/v1"
HEADER_PROTOCOL = "X-Kamdesk-Protocol"
HEADER_SCHEMA = "X-Kamdesk-Schema"
HEADER_CLIENT = "X-Kamdesk-Client"

define(
    {
        "protocol.missing": N_(
            "The request does not say which sync protocol and schema it speaks (header {header})."
        ),
        "protocol.too_old": N_(
            "This KAMDesk speaks sync protocol {client}, but HQ needs at least {minimum}. "
            "Please update KAMDesk."
        ),
        "protocol.too_new": N_(
            "This KAMDesk speaks sync protocol {client}, newer than HQ's {current}. "
            "Ask IT to update the HQ service."
        ),
        "protocol.schema_too_old": N_(
            "This KAMDesk's data schema {client} is older than HQ accepts ({minimum}). "
            "Please update KAMDesk."
        ),
        "protocol.bad_response": N_("HQ sent an answer this KAMDesk cannot read: {detail}"),
        "auth.missing": N_("This request needs the device's access token."),
        "auth.unknown_token": N_(
            "HQ does not know this device's access token. Register the device again."
        ),
        "auth.revoked": N_("HQ revoked this device's access. Ask IT for a new registration code."),
        "register.malformed_code": N_(
            "A registration code has 16 letters and digits, like ABCD-EFGH-JKMN-PQRS."
        ),
        "register.unknown_code": N_("HQ does not know this registration code."),
        "register.code_used": N_("This registration code was already used. Ask IT for a new one."),
        "register.code_expired": N_(
            "This registration code expired on {expired}. Ask IT for a new one."
        ),
        "request.malformed_json": N_("The request body is not valid JSON."),
        "request.invalid": N_("The request was refused: {detail}"),
        "request.too_large": N_("The request body is larger than HQ accepts ({limit} bytes)."),
        "request.not_found": N_("There is no such address at HQ."),
        "request.method_not_allowed": N_("This address does not accept that method."),
        "request.failed": N_("HQ refused the request (HTTP {http_status})."),
        "server.unavailable": N_("HQ cannot reach its database right now; try again later."),
        "server.internal": N_(
            "HQ hit an internal error; nothing was changed. Try again later or tell IT."
        ),
    }
)


def _require(data: Mapping[str, Any], name: str, kind: type) -> Any:
    value = data.get(name)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise KamdeskError("protocol.bad_response", detail=f"{name} is not a {kind.__name__}")
    return value


@dataclass(frozen=True)
class RegisterRequest:
    """``POST /v1/register``: trade a one-time code for a device token."""

    code: str
    device_name: str
    protocol: int = PROTOCOL_VERSION
    schema: int = SCHEMA_VERSION

    def to_wire(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RegisterResponse:
    """The device's identity and its bearer token (shown once; HQ keeps only a hash)."""

    device_id: str
    token: str = field(repr=False)
    branch_code: str
    branch_name: str

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> RegisterResponse:
        return cls(**{f.name: _require(data, f.name, str) for f in fields(cls)})


@dataclass(frozen=True)
class WhoAmI:
    """``GET /v1/whoami``: the device and branch HQ sees behind a token."""

    device_id: str
    device_name: str
    branch_code: str
    branch_name: str

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> WhoAmI:
        return cls(**{f.name: _require(data, f.name, str) for f in fields(cls)})


@dataclass(frozen=True)
class ErrorBody:
    """Every refusal HQ sends: a stable code, English text and the text's parameters."""

    code: str
    message: str
    params: dict[str, str | int] = field(default_factory=dict)

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> ErrorBody:
        params = data.get("params", {})
        if not isinstance(params, dict):
            raise KamdeskError("protocol.bad_response", detail="params is not an object")
        return cls(
            code=_require(data, "code", str),
            message=_require(data, "message", str),
            params={str(k): v if isinstance(v, int) else str(v) for k, v in params.items()},
        )

    def to_error(self) -> KamdeskError:
        """The refusal as a :class:`KamdeskError`, shown in the desktop user's language."""
        return KamdeskError(self.code, **self.params)
