"""Reference data of the demo branch: industry groups, products with promised days,
workstations and the step plans the response center dispatches per product.

Codes are the stable values other layers know (industry group codes are the keys of
:data:`kamdesk.domain.customers.grading_rules.DEFAULT_GRADING_RULES`; promised-time
modes are :class:`kamdesk.domain.sla.SlaMode` values). Names are data in Chinese.
"""

from __future__ import annotations

from typing import NamedTuple

from kamdesk.domain.sla import SlaMode

WORKING = SlaMode.WORKING_DAYS.value
CALENDAR = SlaMode.CALENDAR.value

BRANCH_CODE = "HZ"
BRANCH_NAME = "杭州分公司"
BRANCH_REGION = "浙江省杭州市"
BRANCH_ADDRESS = "浙江省杭州市上城区解放路 220 号"


class IndustryGroupDef(NamedTuple):
    code: str
    name: str
    weight: int  # share of accounts


INDUSTRY_GROUPS: tuple[IndustryGroupDef, ...] = (
    IndustryGroupDef("it", "IT", 18),
    IndustryGroupDef("finance", "金融", 12),
    IndustryGroupDef("tourism", "旅游", 8),
    IndustryGroupDef("party_government_military", "党政军", 14),
    IndustryGroupDef("science_education_culture_health", "科教文卫", 14),
    IndustryGroupDef("general_1", "综合一", 18),
    IndustryGroupDef("general_2", "综合二", 16),
)


class ProductDef(NamedTuple):
    code: str
    name: str
    family: str
    is_circuit: bool
    promised_days: int
    clock_mode: str
    repair_hours: int
    monthly_fee_fen: int
    bandwidths: tuple[str, ...]
    interfaces: tuple[str, ...]
    steps: tuple[str, ...]  # workstation codes of the dispatch plan
    parallel: bool  # steps run together (else one after the other)
    popularity: int


def _product(
    code: str,
    name: str,
    family: str,
    circuit: bool,
    days: int,
    mode: str,
    repair_hours: int,
    fee_fen: int,
    *,
    bandwidths: str = "",
    interfaces: str = "",
    steps: str,
    popularity: int,
) -> ProductDef:
    """``steps`` reads "W01 > W04 > W07" (in order) or "W02 + W06" (in parallel)."""
    parallel = "+" in steps
    plan = tuple(code.strip() for code in steps.replace("+", ">").split(">"))
    return ProductDef(
        code, name, family, circuit, days, mode, repair_hours, fee_fen,
        tuple(bandwidths.split()), tuple(interfaces.split()), plan, parallel, popularity,
    )  # fmt: skip


PRODUCTS: tuple[ProductDef, ...] = (
    _product("DDN", "DDN 数字电路", "data_circuit", True, 5, WORKING, 4, 180_000,
             bandwidths="64K 128K 512K 2M", interfaces="V.35 G.703",
             steps="W01 > W04", popularity=6),
    _product("DIA", "互联网专线", "internet", True, 10, WORKING, 4, 380_000,
             bandwidths="10M 20M 50M 100M 200M 1G", interfaces="FE GE",
             steps="W02 > W04 > W07", popularity=24),
    _product("MPLS", "MPLS VPN", "vpn", True, 15, WORKING, 4, 520_000,
             bandwidths="2M 10M 20M 100M", interfaces="FE GE E1",
             steps="W01 > W02 > W04", popularity=10),
    _product("MSTP", "MSTP 数字专线", "data_circuit", True, 12, WORKING, 4, 300_000,
             bandwidths="2M 10M 100M", interfaces="E1 FE GE",
             steps="W01 > W04", popularity=8),
    _product("FTTB", "光纤宽带（商务）", "broadband", False, 3, CALENDAR, 8, 59_900,
             bandwidths="200M 500M 1000M", steps="W04", popularity=22),
    _product("TRUNK", "数字中继（E1 PRI）", "voice", True, 7, WORKING, 4, 200_000,
             bandwidths="2M", interfaces="E1", steps="W03 > W04", popularity=6),
    _product("IPPBX", "IP 电话 / SIP 中继", "voice", False, 5, WORKING, 8, 30_000,
             steps="W03 + W05", popularity=9),
    _product("IDC", "IDC 机柜托管", "idc", False, 7, WORKING, 2, 400_000,
             steps="W06", popularity=5),
    _product("CLOUD", "天翼云主机", "cloud", False, 2, CALENDAR, 2, 150_000,
             steps="W02 + W06", popularity=5),
    _product("VIDEO", "视频监控", "video", False, 10, WORKING, 8, 80_000,
             steps="W04 + W05", popularity=3),
    _product("N400", "400 号码", "voice", False, 5, WORKING, 8, 50_000,
             steps="W03", popularity=2),
)  # fmt: skip


class WorkstationDef(NamedTuple):
    code: str
    name: str
    staff: int  # people per workstation


WORKSTATIONS: tuple[WorkstationDef, ...] = (
    WorkstationDef("W01", "传输配置工位", 3),
    WorkstationDef("W02", "数据配置工位", 3),
    WorkstationDef("W03", "交换配置工位", 2),
    WorkstationDef("W04", "线路施工工位", 4),
    WorkstationDef("W05", "装维工位", 4),
    WorkstationDef("W06", "IDC 机房工位", 2),
    WorkstationDef("W07", "测试验收工位", 2),
)

FAULT_STEPS: tuple[str, ...] = ("W05", "W07")
"""Dispatch plan of a fault (repair) order, in order: on-site repair, then the test."""

LEADER_VALUE_THRESHOLD_FEN = 10_000_000
"""Orders above 100,000 CNY go to the leader (matches the work-order policy default)."""

CONFIRMATION_TARGET_DAYS = 2
"""Resource confirmation target (DOMAIN.md K03 default: 2 working days)."""

KPI_STANDARDS: tuple[tuple[str, float], ...] = (
    ("K01", 0.90),
    ("K02", 9.0),
    ("K03a", 24.0),
    ("K03b", 0.95),
    ("K04", 0.90),
    ("K05", 0.10),
    ("K06", 0.95),
    ("K07", 0.01),
    ("K08", 3.0),
    ("K09", 0.90),
    ("K10", 4.0),
    ("K11", 0.01),
    ("K12", 4.5),
    ("K13", 0.85),
    ("K15", 0.90),
)
"""The KPI targets HQ publishes every month for the branch, each group and each account
manager alike (``targets`` rows: metric = KPI code, value in ``ratio`` in the KPI's
unit). K14 targets the revenue target in full; revenue growth has no standard."""


def promised_days(product: ProductDef, grade: str) -> int:
    """Promised days of an order: grade A accounts get circuits two days sooner
    (published as an SLA rule per product and grade)."""
    if grade == "A" and product.is_circuit and product.promised_days > 5:
        return product.promised_days - 2
    return product.promised_days
