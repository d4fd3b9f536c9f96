"""The historical work-order sheet: its Chinese headers, the words its cells may hold,
and reading its times.

The headers are a file format (like :data:`kamdesk.services.customer_columns.COLUMNS`):
the template and the error workbook write them in Chinese whatever the interface
language, and an import recognises each header's variants. Up to :data:`MAX_STEPS`
steps are given as column groups ``工序N工位`` / ``工序N完成时间`` / ``工序N返单``.

Times are Beijing time (Asia/Shanghai): an Excel date cell (openpyxl gives it without
a zone), or text such as ``2024-03-05 14:30``, ``2024/3/5 14:30:00`` or
``2024年3月5日 14:30``; a date alone means 00:00. A return cell lists return orders
separated by ``；`` or new lines, each a reason word optionally followed by its time
(``资源缺失 2024-03-06 10:00``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from kamdesk.domain.clock import SHANGHAI
from kamdesk.domain.sla import SLA_MODE_LABELS, SlaMode
from kamdesk.domain.workorders.vocabulary import (
    DISPATCH_MODE_LABELS,
    ORDER_KIND_LABELS,
    RETURN_REASON_LABELS,
    DispatchMode,
    OrderKind,
    ReturnReason,
)
from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_
from kamdesk.services.customer_columns import Column, parse_choice

define(
    {
        "order_import.bad_time": N_(
            "'{text}' is not a date and time; write it like 2024-03-05 14:30 (Beijing time)"
        ),
        "order_import.bad_return": N_(
            "'{text}' is not a return record; write a reason ({reasons}), optionally "
            "followed by its time"
        ),
    }
)

MAX_STEPS = 6
"""Step column groups of the template (工序1 … 工序6)."""

ORDER_NO_LENGTH = 32


def _step_columns(n: int) -> tuple[Column, ...]:
    return (
        Column(
            f"step{n}_workstation",
            f"工序{n}工位",
            (f"工位{n}", f"步骤{n}工位", f"第{n}步工位"),
            False,
            N_("Workstation (code or name) of this step; fill in the steps from 工序1 on"),
            12,
        ),
        Column(
            f"step{n}_done_at",
            f"工序{n}完成时间",
            (f"工位{n}完成时间", f"步骤{n}完成时间", f"第{n}步完成时间"),
            False,
            N_("When this step was done"),
            18,
        ),
        Column(
            f"step{n}_returns",
            f"工序{n}返单",
            (f"工序{n}返单记录", f"步骤{n}返单", f"第{n}步返单"),
            False,
            N_(
                "Return orders of this step: reason and time, e.g. 资源缺失 2024-03-06 10:00; "
                "several separated by ；. Without a time: at the step's done time"
            ),
            28,
        ),
    )


ORDER_COLUMNS: tuple[Column, ...] = (
    Column(
        "order_no",
        "工单编号",
        ("工单号", "单号", "工单编码", "订单编号"),
        True,
        N_("Number of the order in the old system: unique, at most 32 characters"),
        20,
    ),
    Column(
        "kind",
        "工单类型",
        ("类型", "单据类型"),
        False,
        N_("需求 or 故障; empty: 故障 when 故障申告时间 is filled in, else 需求"),
        10,
    ),
    Column(
        "account",
        "客户",
        ("客户名称", "单位名称", "统一社会信用代码", "信用代码", "客户信用代码"),
        True,
        N_("Credit code or full name of an account already in KAMDesk"),
        30,
    ),
    Column(
        "product",
        "产品",
        ("产品名称", "产品编码", "业务", "业务名称"),
        True,
        N_("Code or name of a product, e.g. DDN or 互联网专线"),
        16,
    ),
    Column(
        "owner",
        "客户经理",
        ("客户经理姓名", "客户经理工号", "负责人"),
        False,
        N_("Name or login of the order's account manager; empty: the account's"),
        12,
    ),
    Column(
        "value",
        "工单金额",
        ("金额", "订单金额", "工单金额元"),
        False,
        N_("Value in CNY; empty: twelve months of the product's fee (fault orders: 0)"),
        12,
    ),
    Column(
        "requirement",
        "需求说明",
        ("需求描述", "需求内容", "业务需求"),
        False,
        N_("What the customer asked for"),
        30,
    ),
    Column(
        "resource_request",
        "资源确认单",
        ("是否资源确认单", "资源确认请求"),
        False,
        N_("是 when the order was a resource-confirmation request (资源确认单); empty: 否"),
        10,
    ),
    Column(
        "issued_at",
        "下发时间",
        ("派单时间", "工单下发时间", "下发日期"),
        True,
        N_("When the clerk issued the order to the response center, e.g. 2024-03-05 14:30"),
        18,
    ),
    Column(
        "promised_days",
        "承诺时限（天）",
        ("承诺时限", "承诺天数", "时限"),
        False,
        N_("Promised days; empty: the product's (HQ rules)"),
        10,
    ),
    Column(
        "sla_mode",
        "计时方式",
        ("时限计算方式", "计时"),
        False,
        N_("工作日 or 自然日; empty: the product's"),
        10,
    ),
    Column(
        "confirmed_at",
        "资源确认时间",
        ("确认时间", "资源答复时间"),
        False,
        N_("When the response center confirmed the resources (the order is dispatched then)"),
        18,
    ),
    Column(
        "dispatch_mode",
        "工序方式",
        ("派单方式", "工序顺序"),
        False,
        N_("顺序 (one step after the other) or 并行 (all at once); empty: 顺序"),
        10,
    ),
    *(column for n in range(1, MAX_STEPS + 1) for column in _step_columns(n)),
    Column(
        "reported_at",
        "故障申告时间",
        ("申告时间", "故障报告时间", "报障时间"),
        False,
        N_("Fault orders: when the fault was reported (at or before 下发时间)"),
        18,
    ),
    Column(
        "restored_at",
        "故障恢复时间",
        ("恢复时间", "修复时间"),
        False,
        N_("Fault orders: when service was restored"),
        18,
    ),
    Column(
        "completed_at",
        "竣工时间",
        ("完工时间", "竣工日期"),
        False,
        N_("When the completion form was done (every step done)"),
        18,
    ),
    Column(
        "results",
        "竣工结果",
        ("竣工说明", "完工情况"),
        False,
        N_("Results of the completion form; empty: a note that the order was imported"),
        24,
    ),
    Column(
        "accepted_at",
        "签收时间",
        ("验收时间", "客户签收时间", "客户验收时间"),
        False,
        N_("When the customer accepted; the order is then signed off and archived"),
        18,
    ),
    Column(
        "satisfaction",
        "满意度",
        ("客户满意度", "满意度评分"),
        False,
        N_("1 (poor) to 5 (very good); required with 签收时间"),
        8,
    ),
    Column(
        "signer",
        "签收人",
        ("客户签收人", "验收人"),
        False,
        N_("Who signed for the customer; empty: the account's name"),
        12,
    ),
)
"""Template order."""

ORDER_NOTES: tuple[str, ...] = (
    N_(
        "Times are Beijing time: 2024-03-05 14:30, 2024/3/5 14:30 or an Excel date cell; "
        "a date alone means 00:00."
    ),
    N_(
        "Each order is recorded as the work-order flow records it: created, reviewed, "
        "approved and issued at 下发时间; resources confirmed and steps dispatched at "
        "资源确认时间; each return handled at once and its step started again; signed off "
        "and archived at 签收时间."
    ),
    N_(
        "Steps in 顺序 start when the previous step is done, steps in 并行 at 资源确认时间; "
        "return reasons: 客户未就绪, 资源缺失, 数据错误, 执行错误, 其他."
    ),
    N_(
        "An order stops at the last time given: without 资源确认时间 it waits for the "
        "confirmation, without 竣工时间 it stays in execution, without 签收时间 it waits "
        "for the customer."
    ),
    N_(
        "An order number that appears twice in the sheet or is already in KAMDesk is "
        "refused. Nothing is imported while any row has a problem: fix the rows of the "
        "error workbook and import it again."
    ),
)
"""Lines of the template's notes sheet after the columns (English sources)."""

KIND_WORDS: dict[str, OrderKind] = {
    "需求": OrderKind.DEMAND,
    "需求单": OrderKind.DEMAND,
    "业务需求": OrderKind.DEMAND,
    "新装": OrderKind.DEMAND,
    "故障": OrderKind.FAULT,
    "故障单": OrderKind.FAULT,
    "障碍": OrderKind.FAULT,
}
SLA_MODE_WORDS: dict[str, SlaMode] = {
    "工作日": SlaMode.WORKING_DAYS,
    "工作日计": SlaMode.WORKING_DAYS,
    "自然日": SlaMode.CALENDAR,
    "日历日": SlaMode.CALENDAR,
}
DISPATCH_WORDS: dict[str, DispatchMode] = {
    "顺序": DispatchMode.SEQUENTIAL,
    "串行": DispatchMode.SEQUENTIAL,
    "依次": DispatchMode.SEQUENTIAL,
    "并行": DispatchMode.PARALLEL,
    "同时": DispatchMode.PARALLEL,
}
REASON_WORDS: dict[str, ReturnReason] = {
    "客户未就绪": ReturnReason.CUSTOMER_NOT_READY,
    "客户未准备好": ReturnReason.CUSTOMER_NOT_READY,
    "客户原因": ReturnReason.CUSTOMER_NOT_READY,
    "资源缺失": ReturnReason.RESOURCE_MISSING,
    "缺资源": ReturnReason.RESOURCE_MISSING,
    "资源不足": ReturnReason.RESOURCE_MISSING,
    "数据错误": ReturnReason.DATA_ERROR,
    "资料错误": ReturnReason.DATA_ERROR,
    "执行错误": ReturnReason.EXECUTION_ERROR,
    "施工错误": ReturnReason.EXECUTION_ERROR,
    "其他": ReturnReason.OTHER,
    "其它": ReturnReason.OTHER,
}

REASON_CHOICES = "客户未就绪、资源缺失、数据错误、执行错误、其他"


def word_kind(text: str) -> OrderKind | None:
    return parse_choice(text, KIND_WORDS, ORDER_KIND_LABELS)


def word_sla_mode(text: str) -> SlaMode | None:
    return parse_choice(text, SLA_MODE_WORDS, SLA_MODE_LABELS)


def word_dispatch(text: str) -> DispatchMode | None:
    return parse_choice(text, DISPATCH_WORDS, DISPATCH_MODE_LABELS)


_DATE_TIME = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?"
    r"(?:\s*T?\s*(\d{1,2})\s*[:：时点]\s*(\d{1,2})\s*分?"
    r"(?:\s*[:：]?\s*(\d{1,2})(?:\.\d+)?\s*秒?)?)?"
)


def read_time(value: Any) -> datetime:
    """A cell as an aware instant, naive values read in Asia/Shanghai; raises
    ``order_import.bad_time``. The caller treats empty cells as absent first."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=SHANGHAI)
    if isinstance(value, date):
        return datetime.combine(value, time(0), SHANGHAI)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    match = _DATE_TIME.fullmatch(text)
    if match is None:
        raise KamdeskError("order_import.bad_time", text=text[:40])
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)
    except ValueError:
        raise KamdeskError("order_import.bad_time", text=text[:40]) from None


@dataclass(frozen=True)
class ReturnEntry:
    """One return order of a step as the sheet gives it; ``at`` is ``None`` without a
    time. ``text`` is the entry as written (kept as the return's description)."""

    reason: ReturnReason
    at: datetime | None
    text: str


_ENTRY = re.compile(r"(?P<reason>\D+?)\s*[@＠]?\s*(?P<time>\d.*)?")
_SEPARATORS = re.compile(r"[;；\n\r]+")


def read_returns(text: str) -> tuple[ReturnEntry, ...]:
    """The return orders of a step cell; raises ``order_import.bad_return`` or
    ``order_import.bad_time`` for the first unreadable entry."""
    entries: list[ReturnEntry] = []
    for part in _SEPARATORS.split(unicodedata.normalize("NFKC", text)):
        entry = part.strip()
        if not entry:
            continue
        match = _ENTRY.fullmatch(entry)
        reason = None
        if match is not None:
            reason = parse_choice(
                match.group("reason").strip(" ,，:："), REASON_WORDS, RETURN_REASON_LABELS
            )
        if match is None or reason is None:
            raise KamdeskError(
                "order_import.bad_return",
                text=entry[:40],
                reasons=REASON_CHOICES,
            )
        moment = match.group("time")
        entries.append(ReturnEntry(reason, read_time(moment) if moment else None, entry))
    return tuple(entries)
