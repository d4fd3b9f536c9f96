"""Realistic work-order contexts for the PDF tests and the benchmark."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from io import BytesIO

from PIL import Image, ImageDraw

from kamdesk.domain.clock import SHANGHAI
from kamdesk.reports.workorder_context import (
    Acceptance,
    ActorStamp,
    Attachment,
    Circuit,
    Completion,
    DispatchStep,
    ResourceConfirmation,
    ReturnOrder,
    Signature,
    TimelineEvent,
    WorkOrderContext,
)

T0 = datetime(2026, 9, 28, 9, 30, tzinfo=SHANGHAI)
REQUIREMENT = (
    "客户新建杭州滨江研发中心，需开通一条10M数字电路连接总部机房，用于ERP与视频会议业务；"
    "要求在国庆节前完成开通测试，施工需避开工作日9:00–18:00办公时间。"
)
WORKSTATIONS = ["传输调度工位", "数据专线工位", "外线施工工位", "局端配置工位", "测试验收工位"]
STATE_LABELS = {
    "draft": "草稿",
    "submitted": "待审核",
    "approved": "待下发",
    "issued": "待资源确认",
    "confirmed": "待派单",
    "dispatched": "施工中",
    "completed": "待签收",
    "accepted": "待客户经理签收",
    "signed_off": "待存档",
    "archived": "已存档",
}


@cache
def signature_png(seed: int) -> bytes:
    """A hand-writing-like stroke on a transparent 480×160 canvas."""
    img = Image.new("RGBA", (480, 160), (255, 255, 255, 0))
    draw = ImageDraw.Draw(img)
    points = [(30 + i * 14, 90 + ((i * (seed + 3)) % 7 - 3) * 9) for i in range(30)]
    draw.line(points, fill=(20, 30, 90, 255), width=5, joint="curve")
    draw.line([(60, 40), (110 + seed * 10, 130), (200, 50)], fill=(20, 30, 90, 255), width=4)
    out = BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def _timeline(n: int) -> tuple[TimelineEvent, ...]:
    flow = [
        ("create", "创建", None, "draft", "王海燕"),
        ("submit", "提交", "draft", "submitted", "王海燕"),
        ("review_approve", "审核通过", "submitted", "approved", "陈行业经理"),
        ("issue", "下发", "approved", "issued", "李文员"),
        ("confirm_resources", "资源确认", "issued", "confirmed", "响应中心 周敏"),
        ("dispatch", "派单", "confirmed", "dispatched", "响应中心 周敏"),
        ("complete", "竣工", "dispatched", "completed", "测试验收工位 孙强"),
        ("accept", "客户签收", "completed", "accepted", "张经理（客户）"),
        ("sign_off", "客户经理签收", "accepted", "signed_off", "王海燕"),
    ]
    events = []
    for i in range(n):
        action, label, frm, to, actor = (
            flow[i]
            if i < len(flow)
            else (
                "finish_step",
                "工位完成",
                "dispatched",
                "dispatched",
                WORKSTATIONS[i % 5] + " 操作员",
            )
        )
        events.append(
            TimelineEvent(
                at=T0 + timedelta(hours=5 * i),
                actor=actor,
                action=action,
                from_state=frm,
                to_state=to,
                action_label=label,
                from_label=STATE_LABELS.get(frm or "", ""),
                to_label=STATE_LABELS[to],
            )
        )
    return tuple(events)


def _steps(n: int) -> tuple[DispatchStep, ...]:
    return tuple(
        DispatchStep(
            seq=i + 1,
            workstation=WORKSTATIONS[i % len(WORKSTATIONS)],
            planned_hours=Decimal("4.5") if i % 2 else Decimal("8"),
            deadline=T0 + timedelta(days=1 + i),
            state="done",
            done_at=T0 + timedelta(days=1 + i, hours=-3),
            state_label="已完成",
        )
        for i in range(n)
    )


def short_order(**changes: object) -> WorkOrderContext:
    """A signed, accepted DDN order: fits on one page."""
    ctx = WorkOrderContext(
        branch_name="中国电信杭州分公司 政企客户部",
        order_no="WO-2026-000123",
        kind="demand",
        kind_label="业务需求",
        customer_name="杭州西湖智联科技有限公司",
        customer_credit_code="91330106MA2H0ABC1X",
        product_code="DDN",
        product_name="DDN 数字电路",
        quantity=1,
        requested_date=date(2026, 9, 30),
        requirement=REQUIREMENT,
        importance="grade_a",
        importance_label="A 类客户（需领导审批）",
        owner_am_name="王海燕",
        printed_at=T0 + timedelta(days=3),
        circuit=Circuit(
            a_end="杭州市滨江区江南大道3880号 研发中心3楼机房",
            z_end="杭州市西湖区文三路90号 总部B1机房",
            bandwidth="10M",
            interface="FE",
            circuit_no="HZ-DDN-2026-0815",
        ),
        review=ActorStamp("陈行业经理", T0 + timedelta(hours=2)),
        approval=ActorStamp("赵副总经理", T0 + timedelta(hours=4), "同意，优先保障"),
        issue=ActorStamp("李文员", T0 + timedelta(hours=5)),
        resource=ResourceConfirmation(
            "available", "响应中心 周敏", T0 + timedelta(hours=9), "", "资源具备"
        ),
        steps=_steps(3),
        returns=(
            ReturnOrder(
                reason="customer_not_ready",
                description="客户机房未通电，无法安装设备",
                emergency_handling="与客户约定次日上午复装",
                raised_at=T0 + timedelta(days=1, hours=2),
                raised_by="外线施工工位 孙强",
                step_seq=2,
                reason_label="客户未就绪",
            ),
        ),
        completion=Completion(
            results="电路开通，两端设备运行正常。",
            test_results="24小时误码测试通过，时延 3 ms。",
            completed_at=T0 + timedelta(days=2, hours=3),
        ),
        acceptance=Acceptance(5, T0 + timedelta(days=2, hours=6)),
        timeline=_timeline(9),
        signatures=(
            Signature("customer", "张经理", T0 + timedelta(days=2, hours=6), signature_png(1)),
            Signature("am", "王海燕", T0 + timedelta(days=2, hours=7), signature_png(2)),
            Signature("workstation", "孙强", T0 + timedelta(days=2, hours=3), signature_png(3)),
        ),
        attachments=(
            Attachment("机房照片.jpg", hashlib.sha256(b"photo").hexdigest(), 845_211),
            Attachment("测试报告.pdf", hashlib.sha256(b"report").hexdigest(), 120_532),
        ),
    )
    return replace(ctx, **changes) if changes else ctx  # type: ignore[arg-type]


def long_order(steps: int = 60, events: int = 40, **changes: object) -> WorkOrderContext:
    """The same order with many steps, a very long requirement and a long timeline."""
    long: dict[str, object] = {
        "requirement": (REQUIREMENT + "\n") * 12,
        "steps": _steps(steps),
        "timeline": _timeline(events),
    }
    return short_order(**{**long, **changes})


def timeline(events: int) -> tuple[TimelineEvent, ...]:
    return _timeline(events)


def one_page_order(**changes: object) -> WorkOrderContext:
    """A small IP-phone order without circuit fields: everything fits on one page."""
    small: dict[str, object] = {
        "product_code": "IPPHONE",
        "product_name": "IP 电话（中继）",
        "quantity": 20,
        "circuit": None,
        "approval": None,
        "importance": "routine",
        "importance_label": "一般工单（无需领导审批）",
        "requirement": "为客户新办公区开通 20 部 IP 电话，号码连号。",
        "steps": _steps(2),
        "returns": (),
        "timeline": _timeline(4),
        "attachments": (),
    }
    return short_order(**{**small, **changes})
