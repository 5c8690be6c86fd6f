"""Fictional people and firms: names, resident ID numbers, social credit codes, phones, addresses.

Every value is drawn from a caller's `random.Random`, so a seed reproduces the same people.
"""

import random
from bisect import bisect
from datetime import date, timedelta
from itertools import accumulate

from xinfang.petitions.validators import id_check_char, uscc_check_char

# The hundred most common surnames, most frequent first, with rough relative weights.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_SURNAME_CUM = list(accumulate(1.0 / (rank + 8) for rank in range(len(SURNAMES))))
GIVEN_MALE = "伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林欢阳建国志文德福成海东峰兵亮良顺"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀英玲桂兰红梅琳燕萍雪琴云莲洁慧玉珍凤婷颖倩雅春菊秋月晓丹蓉佳莉"

# Where petitioners were first registered: mostly the district itself, some from elsewhere (migrant work).
HOME_PREFIXES = (
    ("500199", 70), ("500101", 4), ("500102", 3), ("500110", 3), ("500112", 3), ("500115", 2),
    ("510104", 2), ("510722", 2), ("511602", 2), ("430524", 2), ("420117", 2), ("411527", 2),
    ("522101", 2), ("532126", 1),
)
_PREFIXES = tuple(code for code, _ in HOME_PREFIXES)
_PREFIX_CUM = list(accumulate(weight for _, weight in HOME_PREFIXES))

MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
                   "155", "156", "157", "158", "159", "166", "173", "175", "177", "180", "181", "182",
                   "183", "185", "186", "187", "188", "189", "191", "193", "195", "198", "199")
AREA_CODE = "023"

STREETS = ("滨江路", "文昌路", "新华街", "学府大道", "桂花街", "人民路", "解放路", "建设路", "龙泉大道",
           "白鹤路", "锦绣大道", "清溪路", "望江路", "天星街", "兴隆街", "城南路")

FIRM_WORDS = ("宏达", "鑫源", "恒信", "华宇", "金桥", "盛世", "隆昌", "顺发", "永和", "汇通", "博远", "东升",
              "锦程", "瑞丰", "天成", "佳和", "兴业", "安泰", "合众", "丰泽")
FIRM_TRADES = ("建筑劳务", "建设工程", "房地产开发", "物业服务", "商贸", "机械制造", "食品", "运输", "装饰工程",
               "农业开发", "教育咨询", "电子科技")
FIRM_FORMS = ("有限公司", "有限责任公司", "股份有限公司")
# GB 32100 characters allowed in the organisation part of a credit code.
_USCC_BODY = "0123456789ABCDEFGHJKLMNPQRTUWXY"

# Ages of petitioners: few under 25, most between 35 and 70.
_AGE_BANDS = ((18, 25, 6), (25, 35, 16), (35, 45, 20), (45, 55, 24), (55, 65, 20), (65, 75, 10), (75, 88, 4))
_AGE_CUM = list(accumulate(weight for _, _, weight in _AGE_BANDS))


def person_name(rng: random.Random, *, male: bool) -> str:
    surname = SURNAMES[bisect(_SURNAME_CUM, rng.random() * _SURNAME_CUM[-1])]
    chars = GIVEN_MALE if male else GIVEN_FEMALE
    given = rng.choice(chars)
    if rng.random() < 0.72:  # most given names have two characters
        given += rng.choice(chars)
    return surname + given


def birth_date(rng: random.Random, *, today: date) -> date:
    low, high, _ = _AGE_BANDS[bisect(_AGE_CUM, rng.random() * _AGE_CUM[-1])]
    age_days = int((low + rng.random() * (high - low)) * 365.25)
    return today - timedelta(days=age_days)


class IdNumberIssuer:
    """Issues resident ID numbers that are valid (GB 11643) and never repeat within one issuer.

    The 3-digit order code is a permutation of a per-(birth date, sex) counter, so uniqueness needs
    only one small counter per birth date instead of remembering every number issued.
    """

    def __init__(self, *, seed: int) -> None:
        self._seed = seed
        self._used: dict[tuple[int, bool], int] = {}

    def issue(self, rng: random.Random, *, born: date, male: bool) -> str | None:
        """A fresh ID number for someone born on `born`, or None when that day is exhausted."""
        key = (born.toordinal(), male)
        count = self._used.get(key, 0)
        if count >= 500:
            return None
        self._used[key] = count + 1
        # 211 is coprime to 500, so count -> slot is a bijection on 0..499; the offset varies by day and seed.
        slot = (count * 211 + born.toordinal() * 7919 + self._seed * 104729) % 500
        order = slot * 2 + (1 if male else 0)  # odd order code: male, even: female
        prefix = _PREFIXES[bisect(_PREFIX_CUM, rng.random() * _PREFIX_CUM[-1])]
        first17 = f"{prefix}{born:%Y%m%d}{order:03d}"
        return first17 + id_check_char(first17)


def mobile_number(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(100_000_000):08d}"


def landline_number(rng: random.Random) -> str:
    return f"{AREA_CODE}-{rng.randrange(2, 9)}{rng.randrange(10_000_000):07d}"


def firm_name(rng: random.Random, *, trades: tuple[str, ...] = FIRM_TRADES) -> str:
    return f"滨江市{rng.choice(FIRM_WORDS)}{rng.choice(trades)}{rng.choice(FIRM_FORMS)}"


def credit_code(rng: random.Random, *, region_code: str) -> str:
    """A unified social credit code (GB 32100) of an enterprise registered in `region_code`."""
    body = "".join(rng.choice(_USCC_BODY) for _ in range(9))
    first17 = f"91{region_code}{body}"
    return first17 + uscc_check_char(first17)


def home_address(rng: random.Random, *, district: str, township: str, village: str) -> str:
    """A rural address (…村3组12号) or a street address in a community."""
    if village.endswith("社区"):
        return (f"{district}{township}{village}{rng.choice(STREETS)}{rng.randrange(1, 300)}号"
                f"{rng.randrange(1, 20)}栋{rng.randrange(1, 4)}单元{rng.randrange(1, 33)}0{rng.randrange(1, 5)}")
    return f"{district}{township}{village}{rng.randrange(1, 13)}组{rng.randrange(1, 90)}号"
