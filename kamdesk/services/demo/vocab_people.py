"""People vocabulary: surnames weighted as in Zhejiang, given names, job titles and
departments of customers' key persons, titles of the branch's own staff.

Data, not interface text (see :mod:`.vocab_places`).
"""

from __future__ import annotations

from kamdesk.services.demo.vocab_places import words

# Surnames in rough order of frequency in Zhejiang; weights fall off with the rank.
SURNAMES = words(
    "陈 王 张 李 吴 徐 周 金 杨 沈 朱 黄 胡 钱 俞 刘 孙 林 郑 何 叶 方 蒋 许 汪 潘 施 姚"
    " 赵 楼 应 章 邵 顾 丁 马 袁 高 盛 夏 程 范 冯 杜 傅 毛 郭 陆 宋 韩 唐 谢 严 江 戴 褚"
    " 陶 裘 邱 蔡 卢 曹 董 鲍 余 罗 梁 任 骆 洪 孔 姜 吕 魏 苏 彭 万 卞 葛 倪 石 祝 龚 虞"
)

GIVEN_SINGLE = words(
    "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 霞 平 刚 辉 鹏 华 飞 鑫 波 斌 宇"
    " 浩 凯 健 俊 帆 帅 旭 宁 龙 林 欢 阳 晨 婷 琳 雪 瑶 颖 倩 萍 峰 亮 彬 燕 晶 蕾 璐 昊"
)

GIVEN_FIRST = words(
    "建 国 志 文 海 晓 小 子 思 佳 雨 嘉 欣 俊 明 永 德 立 宏 家 梦 一 浩 雅 静 春 秋 天"
    " 美 丽 新 振 利 金 亚 伟 兆 晨 若 诗 博 宇 泽 梓 睿 卫 红 玉 月 云 少 启"
)

GIVEN_SECOND = words(
    "华 平 明 强 军 林 峰 杰 涛 斌 宇 辉 东 伟 勇 成 龙 刚 波 鹏 飞 军 英 芳 敏 霞 燕 娟"
    " 玲 萍 婷 琪 洁 怡 颖 然 涵 轩 萱 彤 晨 阳 航 远 清 豪 健 凯 琦 瑜 珊 菲 蓉 慧 敏 悦"
)

KEY_PERSON_TITLES: dict[str, tuple[str, ...]] = {
    "senior": words(
        "董事长 总经理 副总经理 总裁 副总裁 首席信息官 财务总监 局长 副局长 院长 副院长 校长"
    ),
    "working": words(
        "信息中心主任 信息中心副主任 网络管理员 IT经理 行政经理 办公室主任 采购经理"
        " 运维工程师 系统管理员 综合办科长 信息科科长 后勤主管"
    ),
}

DEPARTMENTS = words(
    "总经理办公室 信息中心 信息技术部 行政部 办公室 采购部 财务部 运维部 综合办 信息科"
)

PREFERENCES = words(
    "喜欢喝龙井茶 关注网络安全 重视响应速度 偏好电话沟通 偏好微信沟通 周一上午开会勿扰"
    " 关注资费优惠 重视服务报告 喜欢羽毛球 关注数字化转型 喜欢书法 偏好当面拜访"
)

STAFF_TITLES: dict[str, str] = {
    "leader": "大客户部经理",
    "industry_manager": "行业经理",
    "am": "客户经理",
    "clerk": "部门文书",
    "response_center": "响应中心调度员",
    "workstation": "工位负责人",
    "admin": "系统管理员",
}
"""Job titles of the branch's own staff by role code."""
