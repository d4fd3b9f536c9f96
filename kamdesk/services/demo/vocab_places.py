"""Places of the demo branch's city (杭州): districts with their administrative
division codes (GB/T 2260, used in credit codes), real road names, office parks,
and the phone numbering the city uses.

These are *data* (what a Hangzhou branch types into its customer file), not interface
text, so they are Chinese and never pass through the translation catalog. Word lists
are written as space-separated strings to keep the file short.
"""

from __future__ import annotations

from typing import NamedTuple

CITY = "杭州市"
CITY_SHORT = "杭州"
PROVINCE = "浙江省"
PROVINCE_SHORT = "浙江"
AREA_CODE = "0571"
CITY_DIVISION = "330100"
PROVINCE_DIVISION = "330000"


def words(text: str) -> tuple[str, ...]:
    """Split a space-separated word list."""
    return tuple(text.split())


class District(NamedTuple):
    name: str
    division: str  # 6-digit administrative division code
    weight: int  # share of accounts (busy urban districts are heavier)
    roads: tuple[str, ...]
    subdistricts: tuple[str, ...]  # 街道 / 镇
    parks: tuple[str, ...]  # office parks and buildings


DISTRICTS: tuple[District, ...] = (
    District(
        "上城区",
        "330102",
        14,
        words(
            "解放路 延安路 庆春路 平海路 中山南路 秋涛路 钱江路 新业路 富春路 江锦路"
            " 婺江路 望江东路 凯旋路 景昙路"
        ),
        words(
            "湖滨街道 清波街道 小营街道 望江街道 四季青街道 凯旋街道 采荷街道 闸弄口街道"
            " 笕桥街道 彭埠街道 南星街道 紫阳街道"
        ),
        words("钱江新城 来福士中心 华润大厦 平安金融中心 尊宝大厦 汉嘉国际"),
    ),
    District(
        "拱墅区",
        "330105",
        11,
        words(
            "莫干山路 湖墅南路 上塘路 台州路 丽水路 登云路 大关路 香积寺路 体育场路"
            " 环城北路 石祥路 湖州街 绍兴路 潮王路"
        ),
        words(
            "米市巷街道 湖墅街道 小河街道 和睦街道 拱宸桥街道 大关街道 上塘街道 祥符街道"
            " 半山街道 天水街道 武林街道 长庆街道"
        ),
        words("运河财富中心 浙江广电大厦 远洋国际中心 武林广场写字楼 嘉里中心"),
    ),
    District(
        "西湖区",
        "330106",
        16,
        words(
            "文三路 天目山路 教工路 古墩路 文一西路 学院路 黄姑山路 万塘路 西溪路"
            " 紫荆花路 文二路 保俶北路 曙光路 玉古路 之江路 留和路"
        ),
        words(
            "北山街道 西溪街道 翠苑街道 文新街道 古荡街道 灵隐街道 转塘街道 蒋村街道"
            " 留下街道 三墩镇 双浦镇 西湖街道"
        ),
        words("华星时代广场 东部软件园 黄龙时代广场 西溪首座 浙大科技园 颐高数码广场"),
    ),
    District(
        "滨江区",
        "330108",
        14,
        words(
            "江南大道 网商路 江陵路 滨盛路 长河路 火炬大道 秋溢路 六和路 江虹路 滨安路"
            " 阡陌路 聚才路 物联网街 建业路"
        ),
        words("西兴街道 长河街道 浦沿街道"),
        words("星耀城 海创基地 物联网产业园 智慧e谷 中赢国际 江南星座"),
    ),
    District(
        "萧山区",
        "330109",
        10,
        words(
            "市心路 金城路 人民路 建设一路 通惠路 鸿宁路 博奥路 萧绍路 山阴路 民和路"
            " 宁税路 育才路"
        ),
        words(
            "城厢街道 北干街道 蜀山街道 新塘街道 宁围街道 新街街道 闻堰街道 瓜沥镇" " 临浦镇 义桥镇"
        ),
        words("世纪中心 信息港小镇 萧山科技城 民和大厦 钱江世纪公园大楼"),
    ),
    District(
        "余杭区",
        "330110",
        12,
        words(
            "文一西路 五常大道 良睦路 高教路 龙潭路 溪望路 爱橙街 向往街 仓兴街"
            " 荆长大道 丰岭路 海曙路"
        ),
        words(
            "五常街道 仓前街道 闲林街道 余杭街道 中泰街道 良渚街道 瓶窑镇 径山镇" " 黄湖镇 鸬鸟镇"
        ),
        words("梦想小镇 未来科技城 海创园 人工智能小镇 良渚新城"),
    ),
    District(
        "临平区",
        "330113",
        6,
        words("世纪大道 迎宾路 星光街 人民大道 南苑街 藕花洲大街 望梅路 兴中路"),
        words("临平街道 东湖街道 南苑街道 星桥街道 乔司街道 运河街道 崇贤街道 塘栖镇"),
        words("临平新城 余杭经济开发区 临平大厦"),
    ),
    District(
        "钱塘区",
        "330114",
        7,
        words("下沙路 学林街 文泽路 福城路 学源街 文渊路 义蓬路 新湾路 江东大道 天城东路"),
        words("白杨街道 下沙街道 河庄街道 义蓬街道 新湾街道 临江街道 前进街道"),
        words("钱塘新区管委会大楼 医药港小镇 大创小镇 金沙湖中心"),
    ),
    District(
        "富阳区",
        "330111",
        4,
        words("金桥北路 桂花路 江滨西大道 迎宾北路 富春街 体育馆路 文教路"),
        words("富春街道 春江街道 东洲街道 鹿山街道 银湖街道 新登镇 场口镇"),
        words("银湖科技城 富春硅谷 东洲工业功能区"),
    ),
    District(
        "临安区",
        "330112",
        3,
        words("钱王街 衣锦街 万马路 石镜街 城中街 武肃街 科技大道"),
        words("锦城街道 锦北街道 玲珑街道 青山湖街道 於潜镇 昌化镇"),
        words("青山湖科技城 临安经济开发区"),
    ),
    District(
        "桐庐县",
        "330122",
        1,
        words("迎春南路 白云源路 瑶琳路 富春路 学圣路"),
        words("桐君街道 旧县街道 城南街道 分水镇 富春江镇"),
        words("桐庐经济开发区"),
    ),
    District(
        "淳安县",
        "330127",
        1,
        words("新安东路 环湖北路 千岛湖大道 开发路"),
        words("千岛湖镇 文昌镇 威坪镇 汾口镇"),
        words("千岛湖旅游度假区"),
    ),
    District(
        "建德市",
        "330182",
        1,
        words("新安江路 严州大道 府前路 江滨中路"),
        words("新安江街道 洋溪街道 更楼街道 梅城镇 乾潭镇"),
        words("建德经济开发区"),
    ),
)

LANDLINE_PREFIXES = words(
    "8502 8505 8506 8511 8516 8520 8527 8577 8580 8609 8661 8665 8672 8691 8708 8716"
    " 8723 8760 8781 8790 8801 8809 8821 8839 8850 8869 8881 8890 8901 8915 8923 8950"
    " 8966 8975 8983 8992 5601 5683 5690 2801 2886 2893"
)
"""First four digits of 8-digit Hangzhou fixed-line numbers."""

MOBILE_PREFIXES = words(
    "134 135 136 137 138 139 147 150 151 152 157 158 159 178 182 183 184 187 188 195 198"
    " 130 131 132 145 155 156 166 175 176 185 186 196"
    " 133 153 173 177 180 181 189 190 191 193 199"
)
"""Three-digit mobile prefixes in use (China Mobile, China Unicom, China Telecom)."""
