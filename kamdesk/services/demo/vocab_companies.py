"""Company and institution name parts by industry group, so that generated accounts
read like a Hangzhou branch's key-account list ("杭州西湖数智科技有限公司",
"杭州市滨江区教育局", "浙江省杭州第十四中学").

Data, not interface text (see :mod:`.vocab_places`).
"""

from __future__ import annotations

from kamdesk.services.demo.vocab_places import words

TRADE_NAMES = words(
    "数智 华信 恒生 东方 远洋 天堂 钱江 新安 海康 中恒 汇智 云川 博远 鼎盛 华越 金盾 聚光 星河"
    " 银江 正泰 宏达 信诚 卓越 领航 锦程 明德 华策 天翼 嘉诚 睿智 长城 盈科 腾越 海纳 致远"
    " 蓝海 京杭 吴越 湖畔 运河 良渚 西溪 之江 钱塘 富春 万向 中策 杭萧 联创 安恒 思创 新华"
    " 同创 凯达 康恩 瑞丰 绿城 银泰 华东 华数 浙商 浙科 智云 数澜 云栖 梦想 东冠 合众 泰隆"
    " 元亨 中天 天正 新湖 宝业 大华 宇视 立昂 三维 创元 博瑞 明康 众合 易达 恒昌 鸿翔 永盛"
    " 禾丰 金诚 亿联 光启 德胜 盛达 弘毅 旭日 天成 和信 瑞达 嘉华 汇丰 利民 群英 精工 安泰"
)

PARTY_GOV_BODIES = words(
    "教育局 卫生健康局 公安分局 财政局 人力资源和社会保障局 民政局 市场监督管理局 税务局"
    " 自然资源和规划分局 住房和城乡建设局 交通运输局 农业农村局 文化和旅游体育局 审计局"
    " 统计局 司法局 应急管理局 生态环境分局 数据资源管理局 医疗保障分局 退役军人事务局"
    " 人民法院 人民检察院 档案馆 融媒体中心 城市管理局 政务服务中心 机关事务管理中心"
)

CITY_BODIES = words(
    "公安局 财政局 教育局 卫生健康委员会 数据资源管理局 交通运输局 城市管理局 税务局"
    " 住房公积金管理中心 市场监督管理局 人力资源和社会保障局 应急管理局 文化广电旅游局"
)

INDUSTRY_WORDS: dict[str, tuple[str, ...]] = {
    "it": words(
        "科技 信息技术 网络科技 软件 数据服务 电子商务 智能科技 云计算 数字科技 物联网技术"
    ),
    "finance": words("银行 农村商业银行 证券 保险 期货 融资担保 小额贷款 基金管理 信托"),
    "tourism": words("大酒店 国际酒店 旅行社 旅游发展 度假村 酒店管理 文旅集团 景区管理"),
    "party_government_military": (),
    "science_education_culture_health": words(
        "中学 小学 实验学校 职业技术学院 医院 中医院 妇幼保健院 图书馆 博物馆 大学"
    ),
    "general_1": words("实业 贸易 物流 建设 机械制造 纺织 化工 汽车销售 建材 进出口"),
    "general_2": words("房地产开发 物业管理 商业管理 传媒 医药 食品 电器 家居 环保科技 能源"),
}
"""Words that say what the organisation does, keyed by industry group code."""

ORG_FORMS: dict[str, tuple[str, ...]] = {
    "company": words("有限公司 有限公司 有限公司 股份有限公司 集团有限公司"),
    "bank": words("杭州分行 杭州分行 杭州支行"),
}

BANK_NAMES = words(
    "中国工商银行 中国农业银行 中国银行 中国建设银行 交通银行 招商银行 浙商银行 中信银行"
    " 兴业银行 浦发银行 民生银行 光大银行 华夏银行 平安银行 宁波银行 杭州银行 南京银行"
    " 浙江泰隆商业银行 邮储银行 广发银行"
)

SCHOOL_ORDINALS = words(
    "第一 第二 第三 第四 第五 第六 第七 第八 第九 第十 第十一 第十二 第十三 第十四 第十五"
    " 第十六 第十七 第十八 第十九 第二十"
)

COMPETITORS = words("中国移动 中国联通 中国广电")
