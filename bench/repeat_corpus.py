"""A labelled corpus for the near-duplicate index: petitions with planted repeats and planted look-alikes.

Texts are built from the demo's matter templates and slot fillers (`xinfang.demo.content`,
`xinfang.demo.generator`), imported, not copied. Template text alone is too uniform for this test:
the demo has about 150 templates for any number of petitions, so two different matters of one template
differ only in a few slot values, which no real petition resembles. Every matter here therefore also
carries two to four sentences of its own story (who was asked when, what they said, where the
petitioner lives, what was tried), drawn from the pools below.

- A **background** petition is a matter of its own, said once.
- A **planted matter** is said 1–3 times in the index (the original and earlier repeats) and once more
  as a **repeat query**: the same demand reworded — another channel's opening, synonyms, sentences
  reordered, a detail dropped or added, typos, sometimes in traditional characters. Its true matches
  are exactly the indexed sayings of that matter.
- Beside each planted matter the index holds 1–2 **look-alikes**: same village, same template
  (so same category), a different matter. A **look-alike query** is one more such matter: it has no
  true match, so anything returned for it is a false positive.

Deterministic per seed. Needs Django set up (the demo modules import models).
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import accumulate

import opencc

from xinfang.demo import content, people
from xinfang.demo.district import TOWNSHIPS
from xinfang.demo.generator import OPENINGS, SLOT_FILLERS, _blank, _Choice, _Locality, _slot_names, _SlotContext

TODAY = date(2026, 11, 22)

# Extra weight of frequent matters (wage arrears, expropriation, housing), like local statistics.
CATEGORY_WEIGHTS = {"欠薪讨薪": 6, "房屋征收拆迁": 3, "土地征收征用": 3, "物业管理": 3, "房地产开发经营": 3,
                    "城市管理": 2, "社会保险": 2, "劳动关系": 2}

OFFICES = ("村委会", "镇政府", "区人社局", "区住建委", "区劳动保障监察大队", "派出所", "区信访办", "区城管局",
           "区市场监管局", "社区居委会", "区规划自然资源局", "区农业农村委")
# A matter's own story, two to four sentences, each put together from these parts (slots filled once per
# matter and kept by its repeats), so that two matters rarely tell the same sentence.
WHEN = ("{day}，", "{day}上午，", "{month}月初，", "去年{month}月，", "前年{month}月{n}号，", "{day}下午，", "")
WHO = ("我们找到{office}的{person}", "{person}带我们去了{office}", "我和{person}一起到{office}", "{office}的{person}打电话给我",
       "{person}陪我去{office}", "我托{person}找到{office}", "{person}来我家", "我们{n}户人去了{office}")
ACTS = ("，对方答应{days}天内给答复", "，说要等上级拨款", "，当场签了协议", "，让我们写个书面材料", "，说材料不齐要补",
        "，拍了照片说回去研究", "，说这事不归他们管", "，答应先付{fee}元", "，说{company}已经跑路了", "，留了电话{phone}",
        "，说负责人{person2}出差了", "，登记了我家{village}{group}组{house}号的地址")
RESULTS = ("，但一直没有兑现。", "，到现在{days}天了还没消息。", "，后来就再也联系不上。", "，结果又被推回{office}。",
           "，我们等了{years}个月也没有下文。", "，可{person2}后来不认账了。", "，只给了{fee}元就不管了。", "。")
STANDALONE = (
    "我家住{village}{group}组{house}号，家里有{n}位老人需要照顾。",
    "我爱人{person}为这件事急出了病，在{hospital}住院{days}天，花了{fee}元医药费。",
    "孩子在{school}读书，这学期的学费{fee}元都交不起了。",
    "同样情况的还有{person}、{person2}等{n}户。",
    "我在{village}种了{mu}亩地，全家收入就靠这几亩地。",
    "{day}夜里有人在我家门口泼油漆，我们报了警，工单号{ticket}。",
)


SYNONYMS = (
    ("拖欠", "拖着不付"), ("工资", "工钱"), ("请求", "恳请"), ("尽快", "尽早"), ("务工", "打工"),
    ("多次", "好几次"), ("至今", "到现在"), ("反映", "反应"), ("公司", "单位"), ("未果", "没有结果"),
    ("督促", "责成"), ("支付", "结清"), ("严重", "非常严重"), ("没有", "未"), ("已经", "早已"),
    ("依法", "按照法律"), ("导致", "造成"), ("影响", "妨碍"), ("希望", "盼望"), ("解决", "处理"),
    ("我们", "我们大家"), ("本人", "我"), ("问题", "情况"), ("部门", "单位"), ("补偿", "赔偿"),
    ("居民", "住户"), ("村民", "老百姓"), ("答复", "回复"), ("立即", "马上"), ("承诺", "保证"),
)
# Common characters that typos turn up as.
TYPO_CHARS = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞"


@dataclass(frozen=True)
class Matter:
    """One matter: a template with its slots filled and its own story sentences."""

    template: content.Template
    locality: _Locality
    slots: dict
    details: tuple[str, ...]
    closing: str


@dataclass(frozen=True)
class Query:
    text: str
    kind: str  # "repeat" or "lookalike"
    truths: frozenset[int]  # ids of the indexed sayings of the same matter; empty for a look-alike


@dataclass
class Corpus:
    size: int
    seed: int
    queries: list[Query] = field(default_factory=list)
    planted_docs: int = 0
    lookalike_docs: int = 0


class _Maker:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.s2t = opencc.OpenCC("s2t")
        choices, weights = [], []
        for category, templates in content.TEMPLATES.items():
            trades = content.COMPANY_TRADES.get(category, people.FIRM_TRADES)
            for template in templates:
                choices.append(_Choice(0, template, trades))
                weights.append(CATEGORY_WEIGHTS.get(category, 1) / len(templates))
        self.choices, self.choice_cum = choices, list(accumulate(weights))
        self.localities = [
            _Locality(0, index, township.name, village)
            for index, township in enumerate(TOWNSHIPS) for village in township.villages
        ]
        self.villages = {index: township.villages for index, township in enumerate(TOWNSHIPS)}

    def _detail_slots(self, locality: _Locality) -> dict:
        rng = self.rng
        return {
            "day": f"{rng.randrange(2023, 2027)}年{rng.randrange(1, 13)}月{rng.randrange(1, 29)}日",
            "office": rng.choice(OFFICES), "person": people.person_name(rng, male=rng.random() < 0.6),
            "person2": people.person_name(rng, male=rng.random() < 0.5),
            "days": str(rng.randrange(3, 61)), "village": locality.village_name, "group": str(rng.randrange(1, 12)),
            "house": str(rng.randrange(1, 200)), "n": str(rng.randrange(2, 9)), "times": str(rng.randrange(2, 12)),
            "ticket": f"{rng.randrange(10**9, 10**10)}", "hospital": rng.choice(content.HOSPITALS),
            "fee": str(rng.randrange(2_000, 90_000, 10)), "school": rng.choice(content.SCHOOLS),
            "phone": people.mobile_number(rng), "month": str(rng.randrange(1, 13)),
            "mu": f"{rng.randrange(5, 300) / 10:g}", "company": people.firm_name(rng),
            "road": rng.choice(people.STREETS), "years": str(rng.randrange(2, 9)),
        }

    def detail(self, locality: _Locality) -> str:
        rng, slots = self.rng, self._detail_slots(locality)
        if rng.random() < 0.25:
            return rng.choice(STANDALONE).format_map(slots)
        return (rng.choice(WHEN) + rng.choice(WHO) + rng.choice(ACTS) + rng.choice(RESULTS)).format_map(slots)

    def matter(self, *, template: content.Template | None = None, locality: _Locality | None = None) -> Matter:
        rng = self.rng
        if template is None:
            choice = self.choices[_bisect(self.choice_cum, rng.random() * self.choice_cum[-1])]
        else:
            choice = next(c for c in self.choices if c.template is template)
        locality = locality or rng.choice(self.localities)
        amount = None
        if choice.template.amount is not None:
            amount = rng.randrange(*choice.template.amount) // 100 * 100
        context = _SlotContext(rng=rng, choice=choice, locality=locality, day=TODAY, complained=None,
                               amount=amount, count=rng.randrange(5, 61), villages=self.villages[locality.township_id])
        slots = {name: SLOT_FILLERS.get(name, _blank)(context) for name in _slot_names(choice.template)}
        details = tuple(self.detail(locality) for _ in range(rng.randrange(2, 5)))
        return Matter(choice.template, locality, slots, details, rng.choice(content.CLOSINGS))

    def say(self, matter: Matter) -> str:
        """The matter as first said."""
        opening = OPENINGS.get(self.rng.choice(list(OPENINGS)), "")
        return self._text(matter.template.summary.format_map(matter.slots),
                          opening, [matter.template.content.format_map(matter.slots), *matter.details],
                          matter.closing, matter.template.demands.format_map(matter.slots))

    def say_again(self, matter: Matter) -> str:
        """The same matter said again, reworded."""
        rng = self.rng
        summary = matter.template.summary.format_map(matter.slots)
        if rng.random() < 0.4:
            summary = summary.replace("反映", rng.choice(("再次反映", "关于", "投诉")), 1)
        sentences = [s + "。" for part in (matter.template.content.format_map(matter.slots), *matter.details)
                     for s in part.split("。") if s]
        details = len(matter.details)
        if details >= 2 and rng.random() < 0.3:  # a detail left out
            sentences.pop(rng.randrange(len(sentences) - details, len(sentences)))
        if rng.random() < 0.3:  # a new detail
            sentences.insert(rng.randrange(len(sentences) + 1), self.detail(matter.locality))
        if rng.random() < 0.6:  # told in another order
            rng.shuffle(sentences)
        opening = rng.choice(("信访人曾就此事反映，现再次反映：", "", OPENINGS.get(rng.choice(list(OPENINGS)), "")))
        text = self._text(summary, opening, sentences, rng.choice(content.CLOSINGS),
                          matter.template.demands.format_map(matter.slots))
        for plain, other in SYNONYMS:
            if plain in text and rng.random() < 0.25:
                text = text.replace(plain, other)
        chars = list(text)
        for _ in range(rng.randrange(0, 3)):  # typos
            position = rng.randrange(len(chars))
            if "\u4e00" <= chars[position] <= "\u9fff":
                chars[position] = rng.choice(TYPO_CHARS)
        text = "".join(chars)
        if rng.random() < 0.2:  # written in traditional characters (Hong Kong, Taiwan, an older writer)
            text = self.s2t.convert(text)
        return text

    @staticmethod
    def _text(summary: str, opening: str, sentences: list[str], closing: str, demands: str) -> str:
        # As petition_text joins them: summary, content, demands.
        return f"{summary}\n{opening}{''.join(sentences)}{closing}\n{demands}"


def _bisect(cum: list[float], value: float) -> int:
    from bisect import bisect

    return min(bisect(cum, value), len(cum) - 1)


def generate(*, size: int, queries: int, seed: int = 20261122) -> tuple[Corpus, Iterator[tuple[int, str]]]:
    """The corpus's description (filled in as the documents are consumed) and its (id, text) stream.

    `queries` repeat queries and half as many look-alike queries; ids run from 1 to `size`. The query
    list is complete once the stream is exhausted.
    """
    maker = _Maker(seed)
    corpus = Corpus(size=size, seed=seed)
    planted = max(1, min(queries, size // 8))
    lookalike_queries = max(1, planted // 2)
    # Where each planted group starts, spread evenly over the ids.
    starts = set(range(1, size + 1, max(1, size // planted))[:planted])

    def stream() -> Iterator[tuple[int, str]]:
        next_id = 1
        planted_done = 0
        while next_id <= size:
            if next_id in starts and next_id + 5 <= size:
                matter = maker.matter()
                group = [maker.say(matter)] + [maker.say_again(matter) for _ in range(maker.rng.randrange(0, 3))]
                truths = frozenset(range(next_id, next_id + len(group)))
                for text in group:
                    yield next_id, text
                    next_id += 1
                corpus.planted_docs += len(group)
                for _ in range(maker.rng.randrange(1, 3)):  # look-alikes beside it
                    other = maker.matter(template=matter.template, locality=matter.locality)
                    yield next_id, maker.say(other)
                    next_id += 1
                    corpus.lookalike_docs += 1
                corpus.queries.append(Query(maker.say_again(matter), "repeat", truths))
                if planted_done < lookalike_queries:
                    other = maker.matter(template=matter.template, locality=matter.locality)
                    corpus.queries.append(Query(maker.say(other), "lookalike", frozenset()))
                planted_done += 1
            else:
                yield next_id, maker.say(maker.matter())
                next_id += 1

    return corpus, stream()
