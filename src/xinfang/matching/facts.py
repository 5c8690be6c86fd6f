"""What a petition's text says, read as words and facts: the input of the same-matter judgement.

Pure functions, no database. Words come from jieba with the office's vocabulary (data/vocabulary.txt): each
listed word is one token and reads as its concept (拖欠工资, 欠薪 and 工钱没给 are all ``issue:欠薪``), and
boilerplate concepts (尊敬的领导, 反映, 要求…) are dropped. Facts are read with small extractors, each tested on
its own (tests/matching/test_facts.py):

- amounts in yuan: 32000元, 3.2万元, 3.2万, 三万二千元, 两千块 all read 32000 / 2000;
- areas: 5亩, 120平方米;
- times: 2024年4月, 24年4月, 二〇二四年四月, 去年4月 (the year of receipt minus one), 4月份 (the year of
  receipt): year-months and years;
- names: the companies, shops, projects, estates, factories and people a text names (鸿运农资店, 锦绣花园,
  包工头王某, 李经理), each kept with its distinctive core (鸿运) so that 镇上的鸿运农资店 and 鸿运农资 are one name;
- places: villages, groups and communities (石桥村, 三组): evidence of locality, not of matter;
- the demand phrase as written (要求…/请求…), to quote in the reasons.

Everything runs offline: jieba's dictionary ships with the package, the vocabulary with this app.
"""

import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import jieba

from xinfang.similarity.text import normalize_text, to_simplified

VOCABULARY_PATH = Path(__file__).with_name("data") / "vocabulary.txt"
KINDS = ("issue", "demand", "object", "boiler")


@dataclass(frozen=True)
class Vocabulary:
    concept_of: dict[str, str]  # word -> "kind:canonical"
    boiler: frozenset[str]  # concepts that weigh nothing


def parse_vocabulary(text: str) -> Vocabulary:
    """`kind canonical: word word …` lines; # starts a comment. A word listed twice keeps its first concept."""
    concept_of: dict[str, str] = {}
    boiler = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        head, sep, words = line.partition(":")
        parts = head.split()
        if not sep or len(parts) != 2 or parts[0] not in KINDS:
            raise ValueError(f"vocabulary line {number}: expected 'kind canonical: words', got {raw!r}")
        concept = f"{parts[0]}:{parts[1]}"
        if parts[0] == "boiler":
            boiler.add(concept)
        for word in [parts[1], *words.split()]:
            concept_of.setdefault(word, concept)
    return Vocabulary(concept_of, frozenset(boiler))


@cache
def vocabulary() -> Vocabulary:
    return parse_vocabulary(VOCABULARY_PATH.read_text(encoding="utf-8"))


@cache
def _tokenizer() -> jieba.Tokenizer:
    """jieba with the office's words added (its own dictionary, so other users of jieba are not changed)."""
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word in vocabulary().concept_of:
        # A high frequency makes each listed word one token even where jieba would split it.
        tokenizer.add_word(word, freq=200000)
    for suffix in NAME_SUFFIXES:
        tokenizer.add_word(suffix, freq=50000)
    return tokenizer


# Function words and fillers: never a word of the matter.
STOPWORDS = frozenset(
    "的 了 和 与 及 或 是 在 有 也 都 就 还 又 再 被 把 给 对 向 从 到 为 以 于 由 让 使 将 跟 同 并 而 但 却 则 即 "
    "这 那 这个 那个 这些 那些 这样 那样 这件 此 该 其 他 她 它 他们 她们 你们 大家 自己 什么 怎么 为什么 如何 "
    "一 个 些 点 次 件 位 名 人 事 这事 上 下 里 中 内 外 前 后 时 时候 时间 现在 目前 当时 以来 之后 以后 以前 "
    "已 已经 曾 曾经 正在 才 刚 共 总共 一共 约 大约 左右 多 余 几 每 各 等 等等 所 之 吧 吗 呢 啊 呀 哦 嘛 "
    "说 讲 称 表示 认为 觉得 知道 告诉 看 来 去 做 搞 弄 能 会 要 想 应 应该 可以 可 得 着 过 没 不 无 非 "
    "很 太 非常 特别 十分 比较 更 最 只 仅 光 全 全部 所有 一些 这里 那里 哪里 这边 那边 地方 方面 "
    "因为 所以 因此 由于 虽然 但是 可是 如果 只要 只是 而且 并且 然后 于是 结果 另外 同时 还有 以及 关于 对于 按照 根据 通过 经过".split()
)

NAME_SUFFIXES = (
    "有限责任公司", "有限公司", "股份公司", "公司", "集团", "合作社", "专业合作社", "农资店", "超市", "商店", "店", "厂",
    "酒店", "饭店", "医院", "卫生院", "诊所", "学校", "幼儿园", "培训中心", "培训学校", "中心", "健身房", "俱乐部",
    "小区", "花园", "家园", "苑", "公寓", "广场", "大厦", "项目部", "项目", "工程", "工地", "高速", "工业园", "园区",
    "养殖场", "砖厂", "矿", "采石场", "搅拌站", "物业", "置业", "旅行社",
)
PLACE_SUFFIXES = ("村", "组", "社区", "居委会", "村委会", "街道", "镇", "乡")
PERSON_TITLES = ("某某", "某", "经理", "老板", "老总", "书记", "主任", "村长", "组长", "队长", "包工头", "工头",
                 "师傅", "会计", "所长", "站长", "校长", "院长")
SURNAMES = frozenset("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
                     "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
# Words of a name that every such name has: 鸿运农资店 and 丰收农资店 share 农资店, which says nothing.
GENERIC_NAME_PARTS = (
    "有限责任", "有限", "责任", "股份", "建筑", "建设", "劳务", "工程", "房地产开发", "房地产", "开发", "置业", "物业服务",
    "物业管理", "服务", "管理", "科技", "贸易", "商贸", "实业", "投资", "农资", "农业", "种业", "教育", "培训", "健身",
    "装饰", "装修", "建材", "化工", "机械", "电子", "食品", "餐饮", "文化", "传媒", "环保", "新能源", "汽车", "运输",
    "物流", "家具", "纺织", "服装", "制衣", "混凝土", "水泥", "钢构", "专业", "县", "区", "市", "镇上", "镇里", "村里",
    "我们", "那家", "这家", "一家",
)
# A name does not begin with these (verbs and prepositions jieba leaves in front of it).
NAME_LEAD_STOP = frozenset(
    "在 到 向 从 找 给 被 由 和 跟 与 的 是 了 去 买 租 住 承包 位于 承建 开发 给了 为 对 把 让 替 帮 叫 名叫 这个 那个 "
    "我 我们 我家 他们 他 她 其 该 一个 一家 这家 那家 上 附近 旁边 里面 隔壁 进 进了 入 加入 办 办了 交 交了 签 签了 "
    "因 修 因修 为了 年 月 日 号 用 用的 卖 卖的 管理的 开发的 承建的 说 称 欠 拖欠 原 原来 原单位 单位 系 问 "
    "即 乃 属 属于 至 往 经 据 请 叫做 称为 查封 起诉 投诉 举报 状告 联系 咨询 到了 去了 找了".split()
)

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_NUMBER = "[零〇一二两三四五六七八九十百千]"


def chinese_number(text: str) -> int | None:
    """三万二千 → 32000, 十二 → 12, 二〇二四 → 2024 (digit by digit when there is no unit); None if not a number."""
    if not text:
        return None
    if all(ch in _CN_DIGITS for ch in text):
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total, section, digit = 0, 0, None
    last_unit, zero = 1, False  # the unit just read, and whether a 零 came after it
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
            zero = zero or ch in "零〇"
        elif ch in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit, last_unit, zero = None, _CN_UNITS[ch], False
        elif ch == "万":
            total += (section + (digit or 0)) * 10000
            section, digit, last_unit, zero = 0, None, 10000, False
        else:
            return None
    if digit is not None and last_unit >= 100 and not zero:
        # Spoken sums leave the last unit out: 四万八 is 48000, 三千五 is 3500 (两万零五 is 20005).
        digit *= last_unit // 10
    return total + section + (digit or 0)


# A sum: an optional "about", the number (digits, 3.2万, 两万八千, 四万八), an optional "and some" (多/余/来/把),
# the unit, an optional "or so". Without a unit of money, only a number with 万 is a sum (两万八千多到现在).
_AMOUNT = re.compile(
    rf"(约|大约|大概|差不多|将近|接近|近)?"
    rf"(\d+(?:\.\d+)?(?:万)?|{_CN_NUMBER}*万?{_CN_NUMBER}*)"
    rf"(多|余|来|把)?(万元|万块|万|千元|千块|元|块钱|块)?(左右|上下)?"
)
# After a number with 万 but no unit of money, these say it counts something else (两万多人, 三万亩).
_NOT_MONEY = re.compile(r"^(人|户|名|个|亩|平|方|斤|公斤|吨|公里|米|棵|株|头|只|次|件|册|份|套|辆|字)")
ABOUT_MARGIN = 0.1  # 约/差不多/左右: within a tenth either way
_AREA = re.compile(rf"(\d+(?:\.\d+)?|{_CN_NUMBER}+)\s*(亩|平方米|平米|平方|㎡)")
_YEAR_MONTH = re.compile(r"(\d{4}|\d{2}|[二〇零一二三四五六七八九]{2,4})\s*年\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年(?!\s*\d{1,2}\s*月)")
_RELATIVE_YEAR = re.compile(r"(今年|去年|前年|上年)\s*(?:的)?\s*(\d{1,2}|[一二三四五六七八九十]{1,3})?\s*(月)?")
_MONTH_ONLY = re.compile(r"(?<![年\d])(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月(?:份|初|中旬|底|末|\d)")


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        value = chinese_number(text)
        return None if value is None else float(value)


def _amount_value(number: str) -> float | None:
    """The value of a sum's number, with its 万: 3.2万 → 32000, 两万八千 → 28000, 四万八 → 48000."""
    if number.endswith("万") and number[:-1].replace(".", "", 1).isdigit():
        return float(number[:-1]) * 10000
    return _number(number)


def _step(value: int) -> int:
    """The place of the last digit written: 28000 → 1000, 20 → 10 (两万八千多 lies below 29000)."""
    step = 1
    while value and value % (step * 10) == 0:
        step *= 10
    return step


def sums_of(text: str) -> list[tuple[int, int, int]]:
    """Sums of money in yuan, each (as said, lowest, highest): 32000元 → (32000, 32000, 32000); 两万八千多 →
    (28000, 28000, 29000); 一万多块 → (10000, 10000, 20000); 二十余万元 → (200000, 200000, 300000); 差不多三千 →
    (3000, 2700, 3300). Under 10 yuan is no fact of a matter."""
    found = []
    for match in _AMOUNT.finditer(text):
        about, number, more, unit, around = match.groups()
        if not number or not (unit or ("万" in number and not _NOT_MONEY.match(text[match.end():]))):
            continue
        value = _amount_value(number)
        if value is None:
            continue
        scale = 10000 if unit and unit.startswith("万") else 1000 if unit and unit.startswith("千") else 1
        said = int(round(value * scale))
        if said < 10:
            continue
        if more:  # 一万多: above the number, below its next step
            found.append((said, said, said + _step(int(round(value))) * scale))
        elif about or around:
            found.append((said, int(said * (1 - ABOUT_MARGIN)), int(said * (1 + ABOUT_MARGIN))))
        else:
            found.append((said, said, said))
    return found


def amounts_of(text: str) -> frozenset[int]:
    """Sums of money in yuan as said: 3.2万 → 32000, 一万多 → 10000 (amount_ranges_of says how far each goes)."""
    return frozenset(said for said, _, _ in sums_of(text))


def amount_ranges_of(text: str) -> frozenset[tuple[int, int]]:
    """The sums as ranges (lowest, highest): exact sums are (x, x)."""
    return frozenset((low, high) for _, low, high in sums_of(text))


def areas_of(text: str) -> frozenset[str]:
    found = set()
    for number, unit in _AREA.findall(text):
        value = _number(number)
        if value is not None and value > 0:
            found.add(f"{value:g}{'亩' if unit == '亩' else '平方米'}")
    return frozenset(found)


def _year(text: str) -> int | None:
    value = _number(text) if text.isdigit() else chinese_number(text)
    if value is None:
        return None
    value = int(value)
    if value < 100:
        value += 2000
    return value if 1980 <= value <= 2100 else None


def _month(text: str) -> int | None:
    value = _number(text)
    return int(value) if value is not None and 1 <= value <= 12 else None


def times_of(text: str, *, year: int | None = None) -> tuple[frozenset[str], frozenset[int]]:
    """(year-months "2024-04", years): absolute, relative to the year of receipt `year`, or a month alone."""
    months, years, _fixed = _times(text, year)
    return months, years


def fixed_years_of(text: str) -> frozenset[int]:
    """The years written as years (2024年, 二〇二三年三月), not read from 今年/去年: only these can tell two
    matters apart, since 去年 is as often when the petitioner last wrote as when the matter happened."""
    return _times(text, None)[2]


def _times(text: str, year: int | None) -> tuple[frozenset[str], frozenset[int], frozenset[int]]:
    months, years = set(), set()
    for y, m in _YEAR_MONTH.findall(text):
        y, m = _year(y), _month(m)
        if y:
            years.add(y)
            if m:
                months.add(f"{y:04d}-{m:02d}")
    for y in _YEAR.findall(text):
        if _year(y):
            years.add(_year(y))
    fixed = frozenset(years)
    if year:
        for word, m, has_month in _RELATIVE_YEAR.findall(text):
            y = year - {"今年": 0, "去年": 1, "上年": 1, "前年": 2}[word]
            years.add(y)
            if m and has_month and _month(m):
                months.add(f"{y:04d}-{_month(m):02d}")
        if not months:
            # A month alone (12月份) is of the year of receipt or, said early in a year, of the one before.
            for m in _MONTH_ONLY.findall(text):
                if _month(m):
                    months.update({f"{year:04d}-{_month(m):02d}", f"{year - 1:04d}-{_month(m):02d}"})
    return frozenset(months), frozenset(years), fixed


@lru_cache(maxsize=100_000)
def name_core(name: str) -> str:
    """The distinctive part of a name: 青石镇鸿运农资店 → 鸿运; 包工头王某 → 王某."""
    core = name
    for suffix in sorted(NAME_SUFFIXES, key=len, reverse=True):
        if core.endswith(suffix) and len(core) > len(suffix):
            core = core[: -len(suffix)]
            break
    # A leading place (…县, …镇, …村) is where the name is, not who it is.
    core = re.sub(r"^.{0,6}?(县|区|市|镇|乡|村|街道)(?=..)", "", core)
    changed = True
    while changed:
        changed = False
        for part in GENERIC_NAME_PARTS:
            if core.endswith(part) and len(core) > len(part):
                core, changed = core[: -len(part)], True
            elif core.startswith(part) and len(core) > len(part):
                core, changed = core[len(part):], True
    return core


@lru_cache(maxsize=200_000)
def names_match(a: str, b: str) -> bool:
    """Two names are one if their cores are equal, or the shorter core's first two characters (where a brand
    stands) are in the other: 鸿运 ~ 上鸿运通; but 合众教育咨询 ≁ 佳和教育咨询, whatever trade they share."""
    ca, cb = name_core(a), name_core(b)
    if not ca or not cb:
        return False
    if ca == cb:
        return True
    # The extractor cannot always tell where a name begins (家住南苑, 打水厂电话): a name that ends with the
    # whole of another is that name, with a word in front.
    short_name, long_name = sorted((a, b), key=len)
    if len(short_name) >= 2 and long_name.endswith(short_name) and name_core(short_name) != short_name[-1:]:
        return True
    short, long = sorted((ca, cb), key=len)
    return len(short) >= 2 and short[:2] in long


def _is_han(token: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in token)


# jieba's part-of-speech tags of words that are never the first part of a name: time words, localizers,
# conjunctions, adverbs, prepositions, pronouns, numerals, particles (事后学校, 不是学校, 夜间上游…厂). Not verbs:
# shops are named by them (丰收农资店, 兴旺超市); the verbs met in front of names are in NAME_LEAD_STOP.
NOT_NAME_TAGS = frozenset("c t f d p r m q u ul uj uz y e o".split())
_TIME_TOKEN = re.compile(r"^[\d一二三四五六七八九十〇零两]+(年|月|月份|日|号|天)$")


@cache
def _not_name_words() -> frozenset[str]:
    """The words of jieba's dictionary tagged NOT_NAME_TAGS (read once from the dictionary file it ships)."""
    with _tokenizer().get_dict_file() as handle:  # the dictionary jieba ships ("word frequency tag" lines), bytes
        lines = handle.read().decode("utf-8").splitlines()
    return frozenset(line.split(" ", 1)[0] for line in lines if line.rpartition(" ")[2] in NOT_NAME_TAGS)


def _ends_name(token: str) -> bool:
    """Whether a token before a name's suffix is no part of the name."""
    return token in NAME_LEAD_STOP or token in _not_name_words() or bool(_TIME_TOKEN.match(token))


# Names of one class can tell two matters apart (two companies); a company and an estate cannot.
NAME_CLASSES = {
    "org": ("有限责任公司", "有限公司", "股份公司", "公司", "集团", "合作社", "专业合作社", "农资店", "超市", "商店", "店", "厂",
            "酒店", "饭店", "医院", "卫生院", "诊所", "学校", "幼儿园", "培训中心", "培训学校", "中心", "健身房", "俱乐部",
            "养殖场", "砖厂", "矿", "采石场", "搅拌站", "物业", "置业", "旅行社"),
    "site": ("小区", "花园", "家园", "苑", "公寓", "广场", "大厦", "项目部", "项目", "工程", "工地", "高速", "工业园", "园区"),
}


def name_class(name: str) -> str:
    for cls, suffixes in NAME_CLASSES.items():
        if any(name.endswith(s) for s in suffixes):
            return cls
    return "other"


_ANY_SUFFIX = PLACE_SUFFIXES + NAME_SUFFIXES


def _names_and_places(tokens: list[str]) -> tuple[list[str], list[str]]:
    names, places = [], []
    concept_of = vocabulary().concept_of
    for index, token in enumerate(tokens):
        # One endswith on the tuple first (most tokens end with no suffix); then which one, in the tuple's order.
        if not token.endswith(_ANY_SUFFIX):
            continue
        suffix = next((s for s in NAME_SUFFIXES if token.endswith(s)), None)
        place = None if suffix else next((s for s in PLACE_SUFFIXES if token.endswith(s)), None)
        parts = [token]
        start = index
        while start > 0 and len("".join(parts)) < 16:
            previous = tokens[start - 1]
            if not _is_han(previous) or _ends_name(previous) \
                    or previous in STOPWORDS or previous in concept_of \
                    or previous.endswith(_ANY_SUFFIX):
                break
            parts.insert(0, previous)
            start -= 1
        name = "".join(parts)
        if suffix and len(name) > len(suffix) and name_core(name) and name_core(name) not in GENERIC_NAME_PARTS:
            names.append(name)
        elif place and len(name) >= 2 and len(name) > len(place):
            places.append(name)
    return names, places


_PERSON = re.compile("(包工头|工头|老板|经理)?([" + "".join(sorted(SURNAMES)) + "])(某某|某|经理|老板|老总|总|书记|主任|村长|组长|"
                     "队长|师傅|会计|所长|站长|校长|院长)")


def people_of(text: str) -> frozenset[str]:
    """People named by surname and title: 王某, 包工头王某某, 李经理 (full names are left to the identity match)."""
    found = set()
    for lead, surname, title in _PERSON.findall(text):
        if title in ("某", "某某"):
            found.add(f"{surname}某")
        else:
            found.add(f"{surname}{title}")
        if lead:
            found.add(f"{surname}某")
    return frozenset(found)


_DEMAND = re.compile(r"(?:要求|请求|恳请|希望|诉求[是为：:]?|盼望|只想|只求)([^，。！？；!?;\n]{2,30})")
_DEMAND_FILLER = re.compile(r"^(政府|领导|有关部门|相关部门|你们|各位领导|上级)?(尽快|早日|帮助|帮忙|督促|责成|协调|依法)*")


def demand_phrase(text: str) -> str:
    """The last demand as written (要求…), without filler, that asks for something: what the reasons quote.

    "恳请领导为我做主" asks for nothing in particular (only boilerplate words): it is skipped."""
    vocab = vocabulary()
    for found in reversed(_DEMAND.findall(text)):
        phrase = _DEMAND_FILLER.sub("", found).strip()
        if any(vocab.concept_of.get(t, "").startswith(("demand:", "issue:", "object:")) or
               (t not in vocab.concept_of and t not in STOPWORDS and len(t) > 1 and t not in ("做主", "为我"))
               for t in tokens_of(phrase)):
            return phrase[:20]
    return ""


@dataclass(frozen=True)
class Facts:
    words: dict[str, int]  # content words (concepts for vocabulary words), with their counts
    concepts: frozenset[str]  # issue:…, demand:…, object:… concepts present
    amounts: frozenset[int]  # as said
    ranges: frozenset[tuple[int, int]]  # the same sums as ranges (一万多: 10000–20000)
    areas: frozenset[str]
    months: frozenset[str]
    years: frozenset[int]
    fixed_years: frozenset[int]  # the years written as such (not 今年/去年)
    names: tuple[str, ...]
    people: frozenset[str]
    places: tuple[str, ...]
    demand: str
    trigrams: frozenset[str]
    surface: dict[str, str]  # concept -> the word the text used for it first (quoted in the reasons)

    def of_kind(self, kind: str) -> frozenset[str]:
        return frozenset(c for c in self.concepts if c.startswith(kind + ":"))


def tokens_of(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", text or "")
    return [token for token in _tokenizer().cut(folded, HMM=False) if token.strip()]


_UNIT_WORDS = frozenset("元 万元 万 块 块钱 千元 亩 平方米 平米 年 月 日 号 月份".split())


# ≈ 15 KB a text of 170 characters (its trigram set is most of it): 8,192 texts ≈ 120 MB at most per process,
# more than the candidates of a working day's drafts (each judges ≈ 60–110).
FACTS_CACHE_SIZE = 8192
# Longer texts are read up to here, as the text index reads a query (a 50,000-character paste stays fast).
MAX_CHARS = 5000


# The extractor's version, stored with each petition's facts (matching.models.MatterFacts): raise it when a
# change here reads texts differently, and `xinfang matching facts` rewrites the stored rows.
FACTS_VERSION = 2  # 2: sums as ranges (一万多), the years written as such, names after verbs


@lru_cache(maxsize=FACTS_CACHE_SIZE)
def facts_of(text: str, year: int | None = None) -> Facts:
    """Everything the judgement reads in one text (cached: a candidate's text is read once per process)."""
    return read_facts(text, year)[0]


def trigrams_of(normalized: str) -> frozenset[str]:
    return frozenset(normalized[i:i + 3] for i in range(len(normalized) - 2))


def read_facts(text: str, year: int | None = None) -> tuple[Facts, str]:
    """The facts of `text` and the normalised text their trigrams come from (what is stored), uncached."""
    text = to_simplified((text or "")[:MAX_CHARS])  # 拖欠工資 reads as 拖欠工资
    tokens = tokens_of(text)
    vocab = vocabulary()
    words: dict[str, int] = {}
    concepts = set()
    surface: dict[str, str] = {}
    for index, token in enumerate(tokens):
        concept = vocab.concept_of.get(token)
        if concept is not None:
            if concept in vocab.boiler:
                continue
            concepts.add(concept)
            surface.setdefault(concept, token)
            word = concept
        elif token in STOPWORDS or token in _UNIT_WORDS or len(token) == 1 or not any(ch.isalpha() for ch in token):
            continue  # amounts and dates are read as facts, not as words
        elif token.endswith(PLACE_SUFFIXES) or (index and tokens[index - 1] in SURNAMES and len(token) <= 2):
            # Where the petitioner lives and what they are called (陈 小兵) are in both of one person's
            # petitions, whatever each is about: the places are read as places, the names by the identity match.
            continue
        else:
            word = token
        words[word] = words.get(word, 0) + 1
    names, places = _names_and_places(tokens)
    months, years, fixed_years = _times(text, year)
    sums = sums_of(text)
    normalized = normalize_text(text)
    return Facts(
        words=words, concepts=frozenset(concepts), amounts=frozenset(said for said, _, _ in sums),
        ranges=frozenset((low, high) for _, low, high in sums), areas=areas_of(text),
        months=months, years=years, fixed_years=fixed_years, names=tuple(dict.fromkeys(names)), people=people_of(text),
        places=tuple(dict.fromkeys(places)), demand=demand_phrase(text), trigrams=trigrams_of(normalized),
        surface=surface,
    ), normalized
