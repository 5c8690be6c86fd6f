"""Generate many plausible petitions fast: deterministic per seed, bulk inserts in bounded batches.

What `petition_register` does one by one (numbering, encryption, blind indexes, parties, the
`registered` event, hot topics), this does in batches of thousands, so a million petitions take minutes.
Personal fields are handed to the models in plain text: EncryptedTextField encrypts them on the way
to the database, bulk_create included.
"""

import math
import random
import string
import time
from bisect import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from itertools import accumulate

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from xinfang.audit.services import audit_record
from xinfang.db import bulk_load_cache
from xinfang.demo import content, people
from xinfang.demo.content import Template
from xinfang.demo.district import DISTRICT_NAME, DISTRICT_REGION_CODE, DemoDistrict, district_build
from xinfang.orgs.models import Org, User
from xinfang.petitions import crypto
from xinfang.petitions.validators import normalize_name
from xinfang.petitions.models import (
    Category,
    Channel,
    HotTopic,
    NumberSequence,
    Petition,
    Petitioner,
    PetitionEvent,
    PetitionParty,
    PetitionType,
    Urgency,
)
from xinfang.petitions.services import format_number
from xinfang.stats import rollup as stats_rollup

BATCH_SIZE = 5_000
POOL_SIZE = 20_000  # petitioners remembered for repeat petitions (bounded memory)
REPEAT_SHARE = 0.15  # share of petitions by someone who petitioned before
SAME_MATTER_SHARE = 0.7  # of those, how many raise the same matter again (重复信访)
GROUP_VISIT_SHARE = 0.10  # of visits

# Channel mix on working days and at weekends (letters are opened and visitors received on working days).
WEEKDAY_CHANNELS = {
    Channel.ONLINE_COMPLAINT: 34, Channel.HOTLINE_TRANSFER: 18, Channel.VISIT: 15, Channel.LETTER: 12,
    Channel.CALL: 9, Channel.ONLINE_SUGGESTION: 4, Channel.LEADER_MAILBOX: 5, Channel.ASSIGNED_FROM_ABOVE: 3,
}
WEEKEND_CHANNELS = {
    Channel.ONLINE_COMPLAINT: 50, Channel.HOTLINE_TRANSFER: 25, Channel.VISIT: 2, Channel.CALL: 6,
    Channel.ONLINE_SUGGESTION: 7, Channel.LEADER_MAILBOX: 10,
}
# Probability that a person petitioning on this channel gives an ID number (visitors always do).
ID_GIVEN = {
    Channel.LETTER: 0.55, Channel.VISIT: 1.0, Channel.CALL: 0.35, Channel.ONLINE_COMPLAINT: 0.9,
    Channel.ONLINE_SUGGESTION: 0.8, Channel.LEADER_MAILBOX: 0.7, Channel.ASSIGNED_FROM_ABOVE: 0.8,
    Channel.HOTLINE_TRANSFER: 0.3,
}
PHONE_GIVEN = {Channel.LETTER: 0.6, Channel.VISIT: 0.9, Channel.ASSIGNED_FROM_ABOVE: 0.7}
OPENINGS = {
    Channel.LETTER: "来信称：", Channel.VISIT: "来访人称：", Channel.CALL: "来电反映：",
    Channel.HOTLINE_TRANSFER: "12345热线转办：市民来电反映，", Channel.ASSIGNED_FROM_ABOVE: "上级交办：信访人反映，",
}
# Online channels: petitions arrive round the clock, most in the working day and the evening.
ONLINE_HOUR_WEIGHTS = (1, 0.5, 0.3, 0.2, 0.2, 0.3, 0.8, 2, 4, 6, 7, 7, 5, 5, 6, 6, 6, 5, 4, 4, 4, 3.5, 3, 2)
_ONLINE_HOUR_CUM = list(accumulate(ONLINE_HOUR_WEIGHTS))
COMMON_DEPARTMENTS = ("renshe", "zhujian", "guizi", "chengguan", "shichang", "minzheng", "jiaotong", "nongye")


@dataclass
class SeedResult:
    petitions: int = 0
    petitioners: int = 0
    parties: int = 0
    events: int = 0
    hot_topic_links: int = 0
    numbers: dict[int, tuple[int, int]] = field(default_factory=dict)  # year -> first, last sequence
    elapsed: float = 0.0


@dataclass(frozen=True)
class _Choice:
    category_id: int
    template: Template
    trades: tuple[str, ...] = people.FIRM_TRADES


@dataclass(frozen=True)
class _Locality:
    org_id: int
    township_id: int
    township_name: str
    village_name: str  # "" when the locality is the township itself


@dataclass(frozen=True)
class _Matter:
    """What a petition raises; a repeat petition raises the same matter again."""

    choice: _Choice
    locality: _Locality
    slots: dict[str, str]
    complained: Org | None
    amount: int | None


@dataclass(frozen=True)
class _PoolEntry:
    """A petitioner seen before, the matter they raised, and that matter's first petition (初件)."""

    petitioner_id: int
    matter: _Matter
    first_petition_id: int


@dataclass
class _Batch:
    petitioners: list[Petitioner] = field(default_factory=list)
    petitions: list[Petition] = field(default_factory=list)
    parties: list[PetitionParty] = field(default_factory=list)
    events: list[PetitionEvent] = field(default_factory=list)
    links: list = field(default_factory=list)
    pool_candidates: list[tuple[Petitioner, _Matter, int]] = field(default_factory=list)


@cache
def _slot_names(template: Template) -> tuple[str, ...]:
    """The template's slots in order of appearance: a set's order changes with each process's string
    hashing, and the slots draw from the random stream in this order."""
    text = template.summary + template.content + template.demands
    return tuple(dict.fromkeys(name for _, name, _, _ in string.Formatter().parse(text) if name))


def _weighted(rng: random.Random, items: Sequence, cum: list[float]):
    return items[bisect(cum, rng.random() * cum[-1])]


def _format_amount(amount: int) -> str:
    if amount >= 10_000:
        return f"{amount / 10_000:.1f}".rstrip("0").rstrip(".") + "万元"
    return f"{amount}元"


@dataclass(frozen=True)
class _SlotContext:
    """What the slot fillers of one petition's text may draw on."""

    rng: random.Random
    choice: _Choice
    locality: _Locality
    day: date
    complained: Org | None
    amount: int | None
    count: int
    villages: tuple[str, ...]


def _blank(context: _SlotContext) -> str:
    return ""


def _department_name(context: _SlotContext) -> str:
    org = context.complained
    if org is None or org.kind == Org.Kind.TOWNSHIP:
        return "区政务服务中心"
    return org.short_name or org.name


# How each {slot} of content.TEMPLATES is filled; each draws from the run's random stream.
SLOT_FILLERS: dict[str, Callable[[_SlotContext], str]] = {
    "township": lambda c: c.locality.township_name,
    "village": lambda c: c.locality.village_name or c.rng.choice(c.villages),
    "place": lambda c: c.locality.township_name + c.locality.village_name,
    "company": lambda c: people.firm_name(c.rng, trades=c.choice.trades),
    "estate": lambda c: c.rng.choice(people.FIRM_WORDS) + c.rng.choice(content.ESTATE_SUFFIXES),
    "project": lambda c: c.rng.choice((c.locality.township_name, "清溪新城", "滨江大道", "城南片区"))
    + c.rng.choice(content.PROJECT_KINDS),
    "year": lambda c: str(c.day.year - c.rng.randrange(1, 7)),
    "years": lambda c: str(c.rng.randrange(2, 13)),
    "months": lambda c: str(c.rng.randrange(2, 19)),
    "date": lambda c: f"{c.day.year - c.rng.randrange(0, 2)}年{c.rng.randrange(1, 13)}月",
    "amount": lambda c: _format_amount(c.amount or c.rng.randrange(1_000, 100_000)),
    "count": lambda c: str(c.count),
    "mu": lambda c: f"{c.rng.randrange(5, 300) / 10:g}",
    "sqm": lambda c: str(c.rng.randrange(5, 61)),
    "unit_price": lambda c: str(c.rng.randrange(1_800, 5_200, 10)),
    "road": lambda c: c.rng.choice(people.STREETS[: len(people.STREETS) // 2]),
    "road2": lambda c: c.rng.choice(people.STREETS[len(people.STREETS) // 2:]),
    "river": lambda c: c.rng.choice(content.RIVERS),
    "school": lambda c: c.rng.choice((*content.SCHOOLS, f"{c.locality.township_name}中心小学")),
    "hospital": lambda c: c.rng.choice((*content.HOSPITALS, f"{c.locality.township_name}卫生院")),
    "shop": lambda c: c.rng.choice(people.FIRM_WORDS) + c.rng.choice(content.SHOPS),
    "dept": _department_name,
    "times": lambda c: str(c.rng.randrange(3, 9)),
    "days": lambda c: str(c.rng.randrange(5, 31)),
    "fee": lambda c: str(c.rng.randrange(100, 1_500, 10)),
    "service": lambda c: c.rng.choice(content.SERVICES),
    "topic": lambda c: c.rng.choice(content.TOPICS),
}


class _Generator:
    """The state of one seeding run; `run` streams batches to the database."""

    def __init__(self, *, district: DemoDistrict, n: int, seed: int, until: date, days: int,
                 batch_size: int, progress: Callable[[int], None] | None) -> None:
        self.rng = random.Random(seed)
        self.district = district
        self.seed = seed
        self.until = until
        self.days = days
        self.batch_size = batch_size
        self.progress = progress
        self.tz = timezone.get_default_timezone()
        self.now = timezone.now()
        self.office = district.office
        self.issuer = people.IdNumberIssuer(seed=seed)
        self.pool: list[_PoolEntry] = []
        self.through = Petition.hot_topics.through
        # A database that already has petitioners may hold an ID number this run issues again:
        # such a person is the same petitioner, as petition_register would treat them.
        self.check_existing = Petitioner.objects.exists()
        # Ids are assigned here, not by the database, so parties, events and repeat petitions can point
        # at rows of the same batch without reading ids back (see _reset_sequences for PostgreSQL).
        self.next_petitioner_id = (Petitioner.objects.aggregate(last=Max("id"))["last"] or 0) + 1
        self.next_petition_id = (Petition.objects.aggregate(last=Max("id"))["last"] or 0) + 1
        self._load_reference_data()
        self.plan = self._day_counts(n)

    # --- reference data -------------------------------------------------------------------------

    def _load_reference_data(self) -> None:
        children = list(Category.objects.filter(parent__isnull=False, is_active=True)
                        .select_related("parent").order_by("code"))
        if not children:
            raise RuntimeError("没有问题分类：请先运行 migrate 加载基础数据 (no categories: run migrate first)")
        per_top: dict[str, int] = {}
        for category in children:
            per_top[category.parent.name] = per_top.get(category.parent.name, 0) + 1
        choices, weights, group_choices, suggestion_choices = [], [], [], []
        for category in children:
            templates = content.TEMPLATES.get(category.name, (content.FALLBACK,))
            trades = content.COMPANY_TRADES.get(category.name, people.FIRM_TRADES)
            share = content.TOP_CATEGORY_WEIGHTS.get(category.parent.name, 1) / per_top[category.parent.name]
            for template in templates:
                choice = _Choice(category.pk, template, trades)
                choices.append(choice)
                weights.append(share / len(templates))
                if template.group_prone:
                    group_choices.append(choice)
            for template in content.SUGGESTIONS.get(category.name, ()):
                suggestion_choices.append(_Choice(category.pk, template, trades))
        self.choices, self.choice_cum = choices, list(accumulate(weights))
        self.group_choices = group_choices or choices
        self.suggestion_choices = suggestion_choices or choices
        # The extra pull of wage arrears before the Spring Festival (December, January).
        wage_weights = [w * (3 if c.template.hot_topics[:1] == ("wage_arrears",) else 1)
                        for w, c in zip(weights, choices, strict=True)]
        self.winter_choice_cum = list(accumulate(wage_weights))
        self.hot_topic_ids = dict(HotTopic.objects.filter(is_active=True).values_list("code", "id"))

        localities, locality_weights = [], []
        for township in self.district.townships:
            share = township.population_weight
            localities.append(_Locality(township.org.pk, township.org.pk, township.org.name, ""))
            locality_weights.append(share * 0.25)
            for village in township.villages:
                localities.append(_Locality(village.pk, township.org.pk, township.org.name,
                                            village.short_name or village.name))
                locality_weights.append(share * 0.75 / len(township.villages))
        self.localities, self.locality_cum = localities, list(accumulate(locality_weights))
        self.townships_by_id = {t.org.pk: t.org for t in self.district.townships}
        self.villages_by_township = {
            t.org.pk: tuple(v.short_name or v.name for v in t.villages) or ("",) for t in self.district.townships
        }
        self.clerk_ids = [self.district.users["clerk"].pk] * 6 + [self.district.users["reviewer"].pk]

    # --- the calendar ---------------------------------------------------------------------------

    def _day_counts(self, n: int) -> list[tuple[date, int]]:
        """Spread n petitions over the days: fewer at weekends and in Golden Week, growing a little."""
        first = self.until - timedelta(days=self.days)
        weights = []
        for index in range(self.days):
            day = first + timedelta(days=index)
            weight = 1.0 if day.weekday() < 5 else (0.35 if day.weekday() == 5 else 0.3)
            if day.month == 10 and day.day <= 7:
                weight *= 0.3
            weight *= (0.85 + 0.3 * index / self.days) * (0.8 + 0.4 * self.rng.random())
            weights.append(weight)
        total = sum(weights)
        raw = [w * n / total for w in weights]
        counts = [int(x) for x in raw]
        # Largest remainders get the leftover petitions, so the total is exactly n.
        order = sorted(range(self.days), key=lambda i: raw[i] - counts[i], reverse=True)
        for i in order[: n - sum(counts)]:
            counts[i] += 1
        return [(first + timedelta(days=i), count) for i, count in enumerate(counts)]

    def _received_at(self, day: date, channel: str) -> datetime:
        rng = self.rng
        if channel == Channel.VISIT:
            minute = rng.randrange(510, 720) if rng.random() < 0.6 else rng.randrange(840, 1050)
        elif channel in (Channel.LETTER, Channel.ASSIGNED_FROM_ABOVE):
            minute = rng.randrange(540, 1020)
        elif channel == Channel.CALL:
            minute = rng.randrange(510, 1080)
        else:
            minute = bisect(_ONLINE_HOUR_CUM, rng.random() * _ONLINE_HOUR_CUM[-1]) * 60 + rng.randrange(60)
        return datetime(day.year, day.month, day.day, minute // 60, minute % 60, rng.randrange(60),
                        tzinfo=self.tz)

    def _registered_at(self, received_at: datetime, channel: str) -> datetime:
        """When the office registered it: at once for visits, next working morning for night-time mail."""
        rng = self.rng
        minute_of_day = received_at.hour * 60 + received_at.minute  # local time: received_at is in self.tz
        in_hours = received_at.weekday() < 5 and 8 * 60 + 30 <= minute_of_day < 17 * 60 + 30
        if channel == Channel.VISIT or in_hours:
            registered = received_at + timedelta(minutes=rng.randrange(5, 90))
        else:
            day = received_at.date() + timedelta(days=1 if received_at.hour >= 17 else 0)
            while day.weekday() >= 5:
                day += timedelta(days=1)
            registered = datetime(day.year, day.month, day.day, 8, 30, tzinfo=self.tz) + timedelta(
                minutes=rng.randrange(0, 150))
        return min(registered, self.now)

    # --- one petition ---------------------------------------------------------------------------

    def _person(self, *, channel: str, locality: _Locality, day: date) -> Petitioner:
        rng = self.rng
        male = rng.random() < 0.58
        id_number = ""
        if rng.random() < ID_GIVEN.get(channel, 0.5):
            while not id_number:
                id_number = self.issuer.issue(rng, born=people.birth_date(rng, today=day), male=male) or ""
        phone = ""
        if rng.random() < PHONE_GIVEN.get(channel, 1.0):
            phone = people.landline_number(rng) if rng.random() < 0.08 else people.mobile_number(rng)
        address = ""
        if rng.random() < 0.85:
            home = locality if rng.random() < 0.7 else _weighted(rng, self.localities, self.locality_cum)
            village = home.village_name or rng.choice(self._township_villages(home.township_id))
            address = people.home_address(rng, district=DISTRICT_NAME, township=home.township_name,
                                          village=village)
        return self._new_petitioner(
            kind=Petitioner.Kind.PERSON, name=people.person_name(rng, male=male), id_number=id_number,
            phone=phone, address=address, id_number_index=crypto.blind_index(id_number),
            phone_index=crypto.blind_index(phone),
        )

    def _firm(self, *, locality: _Locality) -> Petitioner:
        rng = self.rng
        code = people.credit_code(rng, region_code=DISTRICT_REGION_CODE)
        phone = people.landline_number(rng) if rng.random() < 0.6 else people.mobile_number(rng)
        address = f"{DISTRICT_NAME}{locality.township_name}{rng.choice(people.STREETS)}{rng.randrange(1, 400)}号"
        return self._new_petitioner(
            kind=Petitioner.Kind.ORGANISATION, name=people.firm_name(rng), id_number=code, phone=phone,
            address=address, id_number_index=crypto.blind_index(code), phone_index=crypto.blind_index(phone),
        )

    def _new_petitioner(self, **fields) -> Petitioner:
        petitioner = Petitioner(
            id=self.next_petitioner_id, name_index=crypto.blind_index(normalize_name(fields["name"])), **fields
        )
        self.next_petitioner_id += 1
        return petitioner

    def _township_villages(self, township_id: int) -> tuple[str, ...]:
        return self.villages_by_township[township_id]

    def _slots(self, choice: _Choice, *, locality: _Locality, day: date, complained: Org | None,
               amount: int | None, count: int) -> dict[str, str]:
        context = _SlotContext(rng=self.rng, choice=choice, locality=locality, day=day, complained=complained,
                               amount=amount, count=count,
                               villages=self._township_villages(locality.township_id))
        return {name: SLOT_FILLERS.get(name, _blank)(context) for name in _slot_names(choice.template)}

    def _complained(self, template: Template, locality: _Locality) -> Org | None:
        if template.complained is None:
            return None
        # A grievance names the unit it is about less often than an accusation does.
        if template.petition_type != PetitionType.ACCUSATION and self.rng.random() < 0.6:
            return None
        if template.complained == "township":
            return self._township_org(locality.township_id)
        if template.complained == "department":
            return self.district.departments[self.rng.choice(COMMON_DEPARTMENTS)]
        return self.district.departments.get(template.complained)

    def _township_org(self, township_id: int) -> Org:
        return self.townships_by_id[township_id]

    def _pick_choice(self, *, channel: str, is_group: bool, day: date) -> _Choice:
        rng = self.rng
        if channel == Channel.ONLINE_SUGGESTION or (channel == Channel.LEADER_MAILBOX and rng.random() < 0.35):
            return rng.choice(self.suggestion_choices)
        if is_group:
            return rng.choice(self.group_choices)
        cum = self.winter_choice_cum if day.month in (12, 1) else self.choice_cum
        return _weighted(rng, self.choices, cum)

    def _source_reference(self, channel: str, received_at: datetime) -> str:
        rng = self.rng
        if channel == Channel.HOTLINE_TRANSFER:
            return f"12345-{received_at:%Y%m%d}-{rng.randrange(1, 99_999):05d}"
        if channel == Channel.ASSIGNED_FROM_ABOVE:
            return f"滨信交〔{received_at.year}〕{rng.randrange(1, 400)}号"
        if channel in (Channel.ONLINE_COMPLAINT, Channel.ONLINE_SUGGESTION):
            return f"WS{received_at:%Y%m%d}{rng.randrange(1_000_000):06d}"
        return ""

    def _new_matter(self, *, channel: str, is_group: bool, day: date, count: int) -> _Matter:
        rng = self.rng
        choice = self._pick_choice(channel=channel, is_group=is_group, day=day)
        locality = _weighted(rng, self.localities, self.locality_cum)
        template = choice.template
        amount = None
        if template.amount is not None:
            low, high = template.amount
            amount = int(math.exp(rng.uniform(math.log(low), math.log(high))))
            if template.group_prone and (is_group or "count" in _slot_names(template)):
                amount *= max(1, count // 3)  # a group's wages or compensation add up
            amount = amount // 100 * 100 if amount >= 1_000 else amount
        complained = self._complained(template, locality)
        slots = self._slots(choice, locality=locality, day=day, complained=complained, amount=amount,
                            count=count)
        return _Matter(choice=choice, locality=locality, slots=slots, complained=complained, amount=amount)

    def _petition(self, batch: _Batch, *, received_at: datetime, channel: str, year: int, sequence: int) -> None:
        rng = self.rng
        day = received_at.date()
        is_group = channel == Channel.VISIT and rng.random() < GROUP_VISIT_SHARE
        # How many persons come (人次) in a group; for others, how many the {count} of the text names.
        count = 5 + int(35 * rng.random() ** 2.5) if is_group else rng.randrange(5, 61)
        repeat = None
        if (self.pool and not is_group and channel != Channel.ONLINE_SUGGESTION
                and rng.random() < REPEAT_SHARE):
            repeat = self.pool[rng.randrange(len(self.pool))]
        same_matter = repeat is not None and rng.random() < SAME_MATTER_SHARE
        if same_matter:
            matter = repeat.matter
        else:
            matter = self._new_matter(channel=channel, is_group=is_group, day=day, count=count)
        template, locality = matter.choice.template, matter.locality

        # Who petitions: (a new petitioner or the id of one seen before, is a representative).
        parties: list[tuple[Petitioner | int, bool]] = []
        if is_group:
            person_times = count
            # Art 20: a group chooses at most five representatives; they are the registered parties.
            representatives = min(5, person_times, 1 + int(rng.random() * 5))
            parties = [(self._person(channel=channel, locality=locality, day=day), True)
                       for _ in range(representatives)]
        else:
            if repeat is not None:
                parties.append((repeat.petitioner_id, False))
            elif rng.random() < template.firm:
                parties.append((self._firm(locality=locality), False))
            elif (template.petition_type == PetitionType.ACCUSATION and channel != Channel.VISIT
                  and rng.random() < 0.3):
                pass  # an anonymous accusation (Art 23: lawful; no notice is sent)
            else:
                parties.append((self._person(channel=channel, locality=locality, day=day), False))
            if parties and channel in (Channel.VISIT, Channel.LETTER) and rng.random() < 0.1:
                # Two to four people who come or write together, below the group-visit threshold.
                for _ in range(rng.randrange(1, 4)):
                    parties.append((self._person(channel=channel, locality=locality, day=day), False))
            person_times = max(len(parties), 1)

        opening = OPENINGS.get(channel, "")
        if is_group:
            opening = f"{person_times}名群众集体来访，推选{len(parties)}名代表反映："
        body = template.content.format_map(matter.slots) + rng.choice(content.CLOSINGS)
        if is_group:
            body = body.replace("本人", "我们")  # the representatives speak for everyone
        if same_matter:
            body = f"信访人曾就此事反映，现再次反映：{body}"
        urgency_roll = rng.random()
        urgent_share, critical_share = (0.25, 0.05) if is_group else (0.06, 0.01)
        urgency = (Urgency.CRITICAL if urgency_roll < critical_share
                   else Urgency.URGENT if urgency_roll < critical_share + urgent_share else Urgency.NORMAL)
        registered_by_id = rng.choice(self.clerk_ids)

        petition_id = self.next_petition_id
        self.next_petition_id += 1
        batch.petitions.append(Petition(
            id=petition_id, number=format_number(org=self.office, year=year, sequence=sequence),
            registering_org_id=self.office.pk, year=year, sequence=sequence, registered_by_id=registered_by_id,
            channel=channel, received_at=received_at,
            source_reference=self._source_reference(channel, received_at),
            summary=template.summary.format_map(matter.slots)[:200], content=opening + body,
            demands=template.demands.format_map(matter.slots), category_id=matter.choice.category_id,
            petition_type=template.petition_type, locality_id=locality.org_id,
            complained_org_id=matter.complained.pk if matter.complained is not None else None,
            amount_involved=Decimal(matter.amount) if matter.amount is not None and rng.random() < 0.85 else None,
            litigation_related=rng.random() < template.litigation, urgency=urgency,
            person_times=person_times, is_group_visit=is_group,
            # A repeat of the same matter (重件) points at that matter's first petition; statistics count it.
            first_petition_id=repeat.first_petition_id if same_matter else None,
        ))
        for position, (petitioner, representative) in enumerate(parties):
            if isinstance(petitioner, Petitioner):
                batch.petitioners.append(petitioner)
                if petitioner.id_number and position == 0:
                    if self.check_existing:
                        # Its id may still change to a stored row's (_reuse_existing): remembered at flush.
                        batch.pool_candidates.append((petitioner, matter, petition_id))
                    else:
                        # Ids are final: a repeat can follow in the same batch (demo sizes fit in one).
                        self._remember(_PoolEntry(petitioner.pk, matter, petition_id))
                petitioner = petitioner.pk
            batch.parties.append(PetitionParty(petition_id=petition_id, petitioner_id=petitioner,
                                               position=position, is_representative=representative))
        batch.events.append(PetitionEvent(
            petition_id=petition_id, kind=PetitionEvent.Kind.REGISTERED, actor_id=registered_by_id,
            actor_org_id=self.office.pk, occurred_at=self._registered_at(received_at, channel),
            data={"channel": channel, "person_times": person_times, "is_group_visit": is_group,
                  "attachments": 0},
        ))
        for code in template.hot_topics:
            topic_id = self.hot_topic_ids.get(code)
            if topic_id is not None:
                batch.links.append(self.through(petition_id=petition_id, hottopic_id=topic_id))

    # --- writing --------------------------------------------------------------------------------

    def _reuse_existing(self, batch: _Batch) -> list[Petitioner]:
        """Point parties of new petitioners whose ID number is already stored at that row; return the rest."""
        indexes = [p.id_number_index for p in batch.petitioners if p.id_number_index]
        existing: dict[str, int] = {}
        for start in range(0, len(indexes), 500):
            existing.update(Petitioner.objects.filter(id_number_index__in=indexes[start:start + 500])
                            .values_list("id_number_index", "id"))
        if not existing:
            return batch.petitioners
        replaced: dict[int, int] = {}
        fresh = []
        for petitioner in batch.petitioners:
            if petitioner.id_number_index in existing:
                replaced[petitioner.pk] = existing[petitioner.id_number_index]
                petitioner.pk = replaced[petitioner.pk]
            else:
                fresh.append(petitioner)
        for party in batch.parties:
            party.petitioner_id = replaced.get(party.petitioner_id, party.petitioner_id)
        return fresh

    def _remember(self, entry: _PoolEntry) -> None:
        if len(self.pool) < POOL_SIZE:
            self.pool.append(entry)
        else:
            self.pool[self.rng.randrange(POOL_SIZE)] = entry

    def _flush(self, batch: _Batch, result: SeedResult) -> None:
        with transaction.atomic():
            petitioners = self._reuse_existing(batch) if self.check_existing else batch.petitioners
            Petitioner.objects.bulk_create(petitioners)
            stats_rollup.touch_petitions(batch.petitions)  # ids are set already; bulk_create sends no signal
            Petition.objects.bulk_create(batch.petitions)
            PetitionParty.objects.bulk_create(batch.parties)
            PetitionEvent.objects.bulk_create(batch.events)
            self.through.objects.bulk_create(batch.links)
        for petitioner, matter, first_petition_id in batch.pool_candidates:
            self._remember(_PoolEntry(petitioner.pk, matter, first_petition_id))
        result.petitions += len(batch.petitions)
        result.petitioners += len(petitioners)
        result.parties += len(batch.parties)
        result.events += len(batch.events)
        result.hot_topic_links += len(batch.links)
        if self.progress is not None:
            self.progress(result.petitions)

    def run(self, *, result: SeedResult) -> None:
        rng = self.rng
        weekday = (list(WEEKDAY_CHANNELS), list(accumulate(WEEKDAY_CHANNELS.values())))
        weekend = (list(WEEKEND_CHANNELS), list(accumulate(WEEKEND_CHANNELS.values())))
        next_sequence = {year: first for year, (first, _) in result.numbers.items()}
        batch = _Batch()
        for day, count in self.plan:
            channels, cum = weekday if day.weekday() < 5 else weekend
            arrivals = []
            for _ in range(count):
                channel = _weighted(rng, channels, cum)
                arrivals.append((self._received_at(day, channel), channel))
            arrivals.sort()
            for received_at, channel in arrivals:
                sequence = next_sequence[day.year]
                next_sequence[day.year] += 1
                self._petition(batch, received_at=received_at, channel=channel, year=day.year,
                               sequence=sequence)
                if len(batch.petitions) >= self.batch_size:
                    self._flush(batch, result)
                    batch = _Batch()
        if batch.petitions:
            self._flush(batch, result)


def _reserve_numbers(*, office: Org, per_year: dict[int, int]) -> dict[int, tuple[int, int]]:
    """Take each year's block of numbers at once: registrations made later continue after the block."""
    reserved = {}
    for year, count in sorted(per_year.items()):
        if count == 0:
            continue
        sequence, _ = NumberSequence.objects.select_for_update().get_or_create(
            org=office, year=year, defaults={"last_value": 0})
        reserved[year] = (sequence.last_value + 1, sequence.last_value + count)
        sequence.last_value += count
        sequence.save(update_fields=["last_value"])
    return reserved


def _reset_sequences() -> None:
    """Move PostgreSQL's id sequences past the ids assigned here (SQLite's AUTOINCREMENT follows by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), [Petitioner, Petition])
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def generate_petitions(
    *,
    n: int,
    seed: int,
    district: DemoDistrict | None = None,
    until: date | None = None,
    days: int = 730,
    batch_size: int = BATCH_SIZE,
    actor: User | None = None,
    progress: Callable[[int], None] | None = None,
) -> SeedResult:
    """Register `n` generated petitions received over the `days` days before `until` (default today).

    The same seed, `until` and starting database give the same petitions. Numbers continue each
    office year's sequence; one audit event records the run. Run it while no one registers petitions:
    row ids are assigned from MAX(id) + 1 (numbers are reserved, ids are not).
    """
    started = time.perf_counter()
    result = SeedResult()
    if n <= 0:
        return result
    if days < 1:
        raise ValueError("days must be at least 1")
    until = until or timezone.localdate()
    if until > timezone.localdate():
        raise ValueError("until must not be in the future: petitions cannot be received tomorrow")
    district = district or district_build()
    generator = _Generator(district=district, n=n, seed=seed, until=until, days=days,
                           batch_size=batch_size, progress=progress)
    per_year: dict[int, int] = {}
    for day, count in generator.plan:
        per_year[day.year] = per_year.get(day.year, 0) + count
    with transaction.atomic():
        result.numbers = _reserve_numbers(office=district.office, per_year=per_year)
        audit_record(actor=actor, action="demo.seed", target=district.office, data={
            "petitions": n, "seed": seed, "until": until.isoformat(), "days": days,
            "numbers": {str(year): [format_number(org=district.office, year=year, sequence=first),
                                    format_number(org=district.office, year=year, sequence=last)]
                        for year, (first, last) in result.numbers.items()},
        })
    with bulk_load_cache():
        try:
            generator.run(result=result)
        finally:
            _reset_sequences()
    result.elapsed = time.perf_counter() - started
    return result
