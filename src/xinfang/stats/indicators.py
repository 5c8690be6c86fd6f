"""The statistical indicators (统计指标), each declared once, computed by the database, drillable to its cases.

An indicator counts petitions (件), or sums their persons (人次), over one *source* of rows: the petitions
themselves (dated by receipt), their clocks (dated by the step's settlement, start or stop), their evaluations
(dated by the rating); review outcomes are read from the decision notices. One declaration gives both

- the drill-down list: `petitions(q)` — the petitions behind the figure, a queryset of `Petition`;
- the figure: a conditional aggregate (`Count(..., filter=Q(...))`) evaluated with every other figure of the
  same source in one grouped query, so a full indicator set is a handful of queries, not one per figure.

Both are built from the same `Q` conditions, so the list's count equals the figure by construction (and the
tests check it on every indicator). Rates are a numerator and a denominator count; a zero denominator gives
no value ("—"), never 0% or 100%. docs/STATISTICS.md lists every key with its definition and period rule.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone

from xinfang.petitions.models import ONLINE_CHANNELS, Channel, Petition
from xinfang.quality.models import QualityEvaluation
from xinfang.workflow.choices import Rating, ReviewOutcome
from xinfang.workflow.clocks import OPTIONAL_WINDOWS
from xinfang.stats.records import refused_destinations_visible_to
from xinfang.supervision.accountability import Circular, Rectification
from xinfang.supervision.instructions import Instruction
from xinfang.supervision.records import Recommendation, Supervision
from xinfang.supervision.selectors_accountability import circulars_visible_to
from xinfang.supervision.selectors_instructions import instructions_visible_to
from xinfang.supervision.selectors_records import records_visible
from xinfang.workflow.models import Clock, Evaluation, LateEntry, Notice, RefusedDestination

K = Clock.Kind
SATISFIED = (Rating.SATISFIED, Rating.MOSTLY_SATISFIED)
# The steps that decide whether a matter is taken up: the office's disposition (转送/交办/不予受理/导入法定途径,
# Art 22) and the handling org's acceptance decision (受理/不予受理, Art 23). Both are 15-day clocks.
ACCEPTANCE_STEPS = (K.DISPOSITION, K.ACCEPTANCE)
DUE_CLOCKS = tuple(kind for kind in K.values if kind not in OPTIONAL_WINDOWS)


@dataclass(frozen=True)
class StatsQuery:
    """What is counted: an inclusive date range, and the petitions in play (scope and filters, any date)."""

    start: date
    end: date
    petitions: QuerySet[Petition]
    today: date
    # Petitions Art 30 hides from the reader. A repeat whose first petition is one of them counts as a first
    # petition for that reader: the figures never tell that a hidden matter came before.
    hidden: tuple[int, ...] = ()
    # For the sources counted by a unit of their own (督办, 建议, refusals, the clocks by org): the reader, whose
    # own visibility rules those records follow (None: the command line, everything); the 责任单位 filter, which
    # for them names the row's unit, not the petition's; the petitions before that filter; and whether any
    # filter on the petitions (org, channel, category, hot topic) is set, so that only records of them count.
    user: Any = None
    unit_id: int | None = None
    unsent: bool = False
    any_unit: QuerySet[Petition] | None = None
    narrowed: bool = False
    # Which rollup cells answer this query (stats.rollup.RollupView), if any: set by stats_query for a reader
    # whose scope and filters the cells are kept for; None reads everything live.
    view: Any = None

    @property
    def petitions_any_unit(self) -> QuerySet[Petition]:
        return self.petitions if self.any_unit is None else self.any_unit

    @property
    def as_of(self) -> date:
        """The day a state ("overdue at …") is read on: the period's last day, or today for a running period."""
        return min(self.end, self.today)

    def received_range(self) -> tuple[datetime, datetime]:
        tz = timezone.get_current_timezone()
        return datetime.combine(self.start, time.min, tz), datetime.combine(self.end + timedelta(days=1), time.min, tz)

    def shifted(self, start: date, end: date) -> "StatsQuery":
        return replace(self, start=start, end=end)


# --- sources: where a figure's rows come from and which petition each row belongs to -------------------


@dataclass(frozen=True)
class Source:
    name: str
    model: type
    petition_path: str  # from a row to its petition ("" for petitions themselves)
    where: Callable[[StatsQuery], Q]  # rows that any indicator of this source may count (narrows the scan)
    # The unit a row is counted for in a breakdown by unit: the petition's 责任单位, unless the row names its own
    # (a late entry counts for the unit that entered it).
    unit_field: str | None = None
    # Sources counted by a unit of their own (督办, 建议, refusals, clocks by org): the 责任单位 filter selects
    # the rows of that unit (q.unit_id), not the petitions sent to it; `visible` gives the rows the reader may
    # see (records follow their own rules; None: rows of the petitions in scope).
    own_unit: bool = False
    visible: Callable[[StatsQuery], QuerySet] | None = None
    # A row may concern several petitions (三项建议): no breakdown by a petition's field.
    many_petitions: bool = False
    record_url: str = ""  # a record source: the detail page its drill-down rows link to ("" for none)
    record_label: str = ""  # a record source: what its drill-down lists (督办, 三项建议 …)

    def rows(self, q: StatsQuery) -> QuerySet:
        if self.model is Petition:
            return q.petitions.filter(self.where(q))
        if self.own_unit:
            return self._own_unit_rows(q)
        rows = self.model.objects.filter(self.where(q))
        if q.petitions.query.where:  # a scope or a filter: only rows of those petitions
            # EXISTS on the row's petition (a primary-key look-up) rather than IN (SELECT … scope): the latter
            # builds the whole scope first, a million ids for a district (measured 0.8 s against 2.9–6.1 s).
            rows = rows.filter(Exists(q.petitions.filter(pk=OuterRef(self.petition_path))))
        return rows

    def _own_unit_rows(self, q: StatsQuery) -> QuerySet:
        rows = (self.visible(q) if self.visible else self.model.objects.all()).filter(self.where(q))
        if q.unit_id is not None:
            rows = rows.filter(**{self.unit_field: q.unit_id})
        elif q.unsent:  # "kept by the office" is a petition's state: these rows always name a unit
            rows = rows.none()
        petitions = q.petitions_any_unit
        if self.visible is None and petitions.query.where:
            rows = rows.filter(Exists(petitions.filter(pk=OuterRef(self.petition_path))))
        elif self.visible is not None and q.narrowed:  # a record without a petition fits no petition filter
            if self.many_petitions:
                through = self.model.petitions.through.objects.filter(
                    **{f"{self.model._meta.model_name}_id": OuterRef("pk")}, petition__in=petitions.values("pk"))
                rows = rows.filter(Exists(through))
            else:
                rows = rows.filter(Exists(petitions.filter(pk=OuterRef(self.petition_path))))
        return rows

    def petition_field(self, name: str) -> str:
        return f"{self.petition_path}__{name}" if self.petition_path else name


def _received(q: StatsQuery) -> Q:
    start, end = q.received_range()
    return Q(received_at__gte=start, received_at__lt=end)


def _clock_rows(q: StatsQuery) -> Q:
    # Every clock condition below needs a clock alive during the period: started by its end, and not stopped
    # before its start (done in the period, running, or stopped later). Written on COALESCE so that SQLite
    # reads the table in one pass: for a year, most clocks qualify, and an OR over the (stopped_on, …) index
    # then costs a lookup per row (measured 2.5× slower at 1,000,000 petitions, docs/PERFORMANCE.md).
    alive_until = Coalesce("stopped_on", Value(date.max))
    return Q(voided=False, started_on__lte=q.end) & Q(GreaterThanOrEqual(alive_until, q.start))


def _evaluation_rows(q: StatsQuery) -> Q:
    return Q(voided=False, rated_on__range=(q.start, q.end))


def _notice_rows(q: StatsQuery) -> Q:
    # Dated by the day the action was taken (Notice.acted_on), not the day it was recorded.
    return Q(voided=False, acted_on__range=(q.start, q.end))


def _late_entry_rows(q: StatsQuery) -> Q:
    # Dated by the action's legal date (acted_on), as every other figure; an action undone does not count.
    return Q(voided=False, acted_on__range=(q.start, q.end))


PETITIONS = Source("petitions", Petition, "", _received)
CLOCKS = Source("clocks", Clock, "petition", _clock_rows)
EVALUATIONS = Source("evaluations", Evaluation, "petition", _evaluation_rows)
NOTICES = Source("notices", Notice, "petition", _notice_rows)
LATE_ENTRIES = Source("late_entries", LateEntry, "petition", _late_entry_rows, unit_field="org")
SOURCES = (PETITIONS, CLOCKS, EVALUATIONS, NOTICES, LATE_ENTRIES)


def _issued_by_end(q: StatsQuery) -> Q:
    # Every 督办/建议 figure reads a record issued by the period's end (issued in it, or still unanswered then).
    return Q(issued_on__lte=q.end)


def _attempted(q: StatsQuery) -> Q:
    start, end = q.received_range()
    return Q(at__gte=start, at__lt=end)


def _visible_records(model) -> Callable[[StatsQuery], QuerySet]:
    return lambda q: model.objects.all() if q.user is None else records_visible(model, user=q.user)


# The same clocks, counted for the org that had to act (the office for 登记处理, the unit for 受理告知).
CLOCKS_BY_ORG = Source("clocks_by_org", Clock, "petition", _clock_rows, unit_field="org", own_unit=True)
SUPERVISIONS = Source("supervisions", Supervision, "petition", _issued_by_end, unit_field="target_org",
                      own_unit=True, visible=_visible_records(Supervision), record_url="supervision:supervision-detail",
                      record_label="督办")
RECOMMENDATIONS = Source("recommendations", Recommendation, "petitions", _issued_by_end, unit_field="target_org",
                         own_unit=True, visible=_visible_records(Recommendation), many_petitions=True,
                         record_url="supervision:recommendation-detail", record_label="三项建议")
RECTIFICATIONS = Source("rectifications", Rectification, "petitions", _issued_by_end, unit_field="target_org",
                        own_unit=True, visible=_visible_records(Rectification), many_petitions=True,
                        record_url="supervision:rectification-detail", record_label="约谈、限期整改")
# 领导批示 are seen exactly by those who see their matter; no page of their own (the case page's panel).
INSTRUCTIONS = Source("instructions", Instruction, "petition", _issued_by_end, unit_field="target_org",
                      own_unit=True, record_label="领导批示",
                      visible=lambda q: Instruction.objects.all() if q.user is None
                      else instructions_visible_to(user=q.user))


def _in_force_by_end(q: StatsQuery) -> Q:
    # A 通报 in force: issued and not revoked (a correction revokes the one it corrects, so each counts once).
    return Q(status=Circular.Status.ISSUED, issued_on__lte=q.end)


# By unit, a 通报 counts for each unit it names.
CIRCULARS = Source("circulars", Circular, "petitions", _in_force_by_end, unit_field="units", own_unit=True,
                   visible=lambda q: Circular.objects.all() if q.user is None else circulars_visible_to(user=q.user),
                   many_petitions=True, record_url="supervision:circular-detail", record_label="通报")
# Counted for the org of the user who attempted it (the office's clerk or reviewer), not the accused unit.
REFUSALS = Source("refused_destinations", RefusedDestination, "petition", _attempted, unit_field="actor_org",
                  own_unit=True, visible=lambda q: refused_destinations_visible_to(user=q.user),
                  record_label="被拒绝的转送")
SOURCES += (CLOCKS_BY_ORG, SUPERVISIONS, RECOMMENDATIONS, RECTIFICATIONS, INSTRUCTIONS, CIRCULARS, REFUSALS)


def _quality_rows(q: StatsQuery) -> Q:
    # 质量评查 (xinfang.quality): the current evaluations (a re-evaluation supersedes the earlier one), dated by
    # the day of the evaluation; by unit, the unit evaluated (the matter's 责任单位 when it was evaluated).
    return Q(superseded_by__isnull=True, evaluated_on__range=(q.start, q.end))


QUALITY = Source("quality", QualityEvaluation, "petition", _quality_rows, unit_field="unit")
SOURCES += (QUALITY,)


# --- row conditions, shared by the figure and its drill-down -------------------------------------------


def _settled(q: StatsQuery, kinds: Iterable[str]) -> Q:
    """A step settles when it is done (stopped_on), or, undone, when its due date passes (then it is late)."""
    # A clock paused for a hearing (Art 31) is not late while paused: its due date moves when it resumes.
    return Q(kind__in=list(kinds)) & (
        Q(stopped_on__range=(q.start, q.end))
        | Q(stopped_on__isnull=True, paused_since__isnull=True, statutory_due__range=(q.start, q.end),
            statutory_due__lt=q.today)
    )


def _late(q: StatsQuery, kinds: Iterable[str]) -> Q:
    return _settled(q, kinds) & (Q(stopped_on__isnull=True) | Q(stopped_on__gt=F("statutory_due")))


def _completed(q: StatsQuery) -> Q:
    """办结: the handling org's decision (处理意见书 or 调解协议) stops the handling clock."""
    return Q(kind=K.HANDLING, stopped_on__range=(q.start, q.end))


def _evaluated() -> Q:
    return Q(Exists(Evaluation.objects.filter(petition=OuterRef("petition_id"), voided=False)))


def _resolved(q: StatsQuery) -> Q:
    # 化解: decided, and the petitioner took it no further: no review requested, no repeat petition on the
    # matter, not rated dissatisfied (a matter rated later counts once its rating is in).
    review = Clock.objects.filter(petition=OuterRef("petition_id"), kind=K.REVIEW_DECISION, voided=False)
    repeat = Petition.objects.filter(first_petition=OuterRef("petition_id"))
    unhappy = Evaluation.objects.filter(petition=OuterRef("petition_id"), rating=Rating.DISSATISFIED, voided=False)
    return _completed(q) & ~Q(Exists(review)) & ~Q(Exists(repeat)) & ~Q(Exists(unhappy))


def _overdue(q: StatsQuery) -> Q:
    """A statutory clock that was running and past its due date at the end of the day `as_of`.

    Not one paused for a hearing at that day: the hearing's time does not count (Art 31), and the stored due
    date moves on only when the clock resumes.
    """
    return (Q(kind__in=DUE_CLOCKS, started_on__lte=q.as_of, statutory_due__lt=q.as_of)
            & (Q(stopped_on__isnull=True) | Q(stopped_on__gt=q.as_of))
            & (Q(paused_since__isnull=True) | Q(paused_since__gt=q.as_of)))


@dataclass(frozen=True)
class Measure:
    """A count of petitions (or a sum of their 人次) with a row of `source` meeting `condition`.

    `minus`: petitions that also have a row meeting it are left out (e.g. any late step makes a matter's
    acceptance untimely). It must imply `condition`, so the figure is count(condition) − count(minus).
    """

    source: Source
    condition: Callable[[StatsQuery], Q]
    minus: Callable[[StatsQuery], Q] | None = None
    sum_person_times: bool = False
    # Count the source's rows (actions), not petitions: the drill-down still lists the petitions, each once.
    count_rows: bool = False

    def petitions(self, q: StatsQuery) -> QuerySet[Petition]:
        """The petitions behind the figure (in scope, filtered): the drill-down list."""
        if self.source is PETITIONS:
            return q.petitions.filter(_received(q) & self.condition(q))
        if self.source.own_unit:
            result = q.petitions_any_unit.filter(pk__in=self.records(q).values(self.source.petition_path))
            if self.minus is not None:
                minus = self.source.rows(q).filter(self.minus(q))
                result = result.exclude(pk__in=minus.values(self.source.petition_path))
            return result
        # IN (subquery) rather than EXISTS per petition: the database reads the qualifying rows once and then
        # visits only their petitions, instead of probing for every petition in scope.
        rows = self.source.model.objects.filter(self.source.where(q))
        result = q.petitions.filter(pk__in=rows.filter(self.condition(q)).values(self.source.petition_path))
        if self.minus is not None:
            result = result.exclude(pk__in=rows.filter(self.minus(q)).values(self.source.petition_path))
        return result

    def records(self, q: StatsQuery) -> QuerySet:
        """The rows behind the figure, for a source counted by rows (the drill-down of 督办, 建议, refusals)."""
        return self.source.rows(q).filter(self.condition(q))

    def aggregates(self, key: str, q: StatsQuery, *, within: Q | None = None) -> dict[str, Any]:
        """The conditional aggregates that give the figure inside its source's grouped query.

        `within`: the source's row condition for the period, when the query does not filter on it (the rollup
        evaluates several periods in one query over a few petitions' rows).
        """
        condition = self.condition(q) if within is None else within & self.condition(q)
        if self.source is PETITIONS:
            if self.sum_person_times:
                return {key: Coalesce(Sum("person_times", filter=condition), 0)}
            return {key: Count("pk", filter=condition)}
        if self.count_rows:
            return {key: Count("pk", filter=condition)}
        # Several rows (clocks, notices) may belong to one petition: count each petition once.
        parts = {key: Count(self.source.petition_path, distinct=True, filter=condition)}
        if self.minus is not None:
            minus = self.minus(q) if within is None else within & self.minus(q)
            parts[f"{key}__minus"] = Count(self.source.petition_path, distinct=True, filter=minus)
        return parts

    def value(self, key: str, row: dict[str, Any]) -> int:
        return (row.get(key) or 0) - (row.get(f"{key}__minus") or 0)


@dataclass(frozen=True)
class PointsMeasure(Measure):
    """A sum of the source rows' points (质量评查 得分/满分), not a count: the drill-down lists the matters
    evaluated, each once, as late_entries lists the matters of its actions."""

    points_field: str = "points_earned"

    def aggregates(self, key: str, q: StatsQuery) -> dict[str, Any]:
        return {key: Coalesce(Sum(self.points_field, filter=self.condition(q)), 0)}


def _always(q: StatsQuery) -> Q:
    return Q()


def _petition_q(**lookups: Any) -> Callable[[StatsQuery], Q]:
    return lambda q: Q(**lookups)


@dataclass(frozen=True)
class Indicator:
    """One figure: a count/sum, or a rate of two counts (numerator ⊂ denominator)."""

    key: str
    name_zh: str
    definition_zh: str
    period_rule: str  # a key of PERIOD_RULES
    kind: str  # "count", "sum" (人次) or "rate"
    numerator: Measure
    denominator: Measure | None = None
    unit_zh: str = "件"
    group: str = "intake"  # a key of GROUPS, for the dashboard and the tables

    def measures(self) -> dict[str, Measure]:
        parts = {f"{self.key}__num": self.numerator}
        if self.denominator is not None:
            parts[f"{self.key}__den"] = self.denominator
        return parts

    def measure(self, part: str = "numerator") -> Measure:
        return self.denominator if part == "denominator" and self.denominator is not None else self.numerator

    def petitions(self, q: StatsQuery, part: str = "numerator") -> QuerySet[Petition]:
        return self.measure(part).petitions(q)

    @property
    def lists_records(self) -> bool:
        """The drill-down lists the source's records (督办, 建议, refusals), not petitions: one per counted row."""
        return bool(self.numerator.source.record_label)

    def records(self, q: StatsQuery, part: str = "numerator") -> QuerySet:
        return self.measure(part).records(q)


# Shown to users (drill-down 计入期间, the tables' 计入期间 column): Chinese only, no field names.
PERIOD_RULES = {
    "received": "按收到时间（北京时间）落在期间内计入",
    "settled": "按环节的了结日计入：按时或超时办完的，按办完日（期限停止日）；期限已过仍未办的，按法定截止日计入，计为未按期",
    "completed": "按办结日（办理期限停止日，即出具处理意见书或调解协议之日）计入",
    "rated": "按评价日期计入",
    "accepted": "按受理日（办理期限起算日）计入；分子为其中截至期末已办结的",
    "as_of": "截至期末（期末晚于今天的，截至今天）的状态",
    "review_requested": "按复查（复核）申请登记日（复查/复核期限起算日）计入",
    "review_decided": "按复查（复核）决定日（复查/复核期限停止日）计入；结论取自该事项未撤销的复查（复核）意见书",
    "review_refused": "按不予受理的决定日（复查/复核申请不予受理告知书的办理日期）计入；已撤销的告知书不计",
    "late_entry": "按办理日期（法定日期，而非录入日期）计入；按责任单位分组时计入录入该操作的单位；已更正撤销的操作不计",
    "late_by_org": "按环节的了结日计入：按时或超时办完的按办完日，期限已过仍未办的按法定截止日；按责任单位分组时计入应当办理该环节的机关"
                   "（登记处理为信访部门，受理告知为责任单位）",
    "issued": "按签发（批示）日期计入；按责任单位分组时计入被督办（被建议、被约谈、被责令整改）单位或批示的落实单位",
    "record_as_of": "截至期末（期末晚于今天的，截至今天）已签发、已过回复（答复、整改、反馈）期限仍未回复（答复、报送整改情况、"
                    "最终反馈）的；按责任单位分组时计入被督办（被建议、被约谈、被责令整改）单位或批示的落实单位",
    "circulated": "按印发日期计入，只计现行有效的通报（被更正撤销的不计）；按责任单位分组时计入每个被通报单位",
    "answered": "按书面答复日期计入；按责任单位分组时计入被建议单位",
    "attempted": "按尝试转送的时间（北京时间）计入；按责任单位分组时计入尝试转送的人员所在单位（不是被检举控告单位）",
    "quality_evaluated": "按评查日期计入；重新评查的只计最新一次；按责任单位分组时计入被评查单位",
}

GROUPS = {
    "intake": "登记情况",
    "channel": "信访形式",
    "kind": "信访类型",
    "rates": "三率及办理质量",
    "review": "复查复核",
    "quality": "录入质量",
    "supervision": "督查督办",
}


def _count(key: str, name: str, definition: str, condition: Callable[[StatsQuery], Q], *, group: str = "intake",
           kind: str = "count", unit: str = "件") -> Indicator:
    measure = Measure(PETITIONS, condition, sum_person_times=kind == "sum")
    return Indicator(key, name, definition, "received", kind, measure, unit_zh=unit, group=group)


def _ratio(key: str, name: str, definition: str, numerator: Measure, denominator: Measure, rule: str,
           *, group: str) -> Indicator:
    return Indicator(key, name, definition, rule, "rate", numerator, denominator, unit_zh="%", group=group)


REGISTERED = Measure(PETITIONS, _always)
def _repeat(q: StatsQuery) -> Q:
    repeat = Q(first_petition__isnull=False)
    return repeat & ~Q(first_petition_id__in=q.hidden) if q.hidden else repeat


def _first(q: StatsQuery) -> Q:
    first = Q(first_petition__isnull=True)
    return first | Q(first_petition_id__in=q.hidden) if q.hidden else first


_REPEAT = _repeat
_ONLINE = _petition_q(channel__in=list(ONLINE_CHANNELS))


def _clock(condition: Callable[[StatsQuery], Q], minus: Callable[[StatsQuery], Q] | None = None) -> Measure:
    return Measure(CLOCKS, condition, minus)


def _review_requested(kind: str) -> Callable[[StatsQuery], Q]:
    return lambda q: Q(kind=kind, started_on__range=(q.start, q.end))


def _notice_kind(kind: str) -> Callable[[StatsQuery], Q]:
    return lambda q: Q(kind=kind)


def _review_pending(kind: str) -> Callable[[StatsQuery], Q]:
    # Accepted by the day `as_of`, undecided then, and its due date not yet passed (a paused clock is within it).
    return lambda q: (Q(kind=kind, started_on__lte=q.as_of)
                      & (Q(stopped_on__isnull=True) | Q(stopped_on__gt=q.as_of))
                      & (Q(statutory_due__gte=q.as_of) | Q(paused_since__isnull=False, paused_since__lte=q.as_of)))


def _review_decided(clock_kind: str, notice_kind: str, outcome: str | None = None) -> Callable[[StatsQuery], Q]:
    # Dated by the decision clock's stop (the day the decision was made, as entered), not by the notice's
    # issue time, which is when it was recorded; the outcome is read from the (unvoided) decision notice.
    def condition(q: StatsQuery) -> Q:
        decided = Q(kind=clock_kind, stopped_on__range=(q.start, q.end))
        if outcome is None:
            return decided
        notice = Notice.objects.filter(petition=OuterRef("petition_id"), kind=notice_kind, voided=False,
                                       content__review_outcome=outcome)
        return decided & Q(Exists(notice))
    return condition


def _build() -> tuple[Indicator, ...]:
    items = [
        _count("registered", "登记信访件数", "期间内收到并登记的信访事项件数", _always, unit="件"),
        _count("person_times", "登记人次", "期间内登记的信访事项的人次之和（集体访按来访人数计）", _always,
               kind="sum", unit="人次"),
        _count("batches", "来访批次", "期间内登记的来访件数，一次来访（含集体访）计一批次",
               _petition_q(channel=Channel.VISIT), unit="批次"),
        _count("visit_person_times", "来访人次", "期间内登记的来访的人次之和", _petition_q(channel=Channel.VISIT),
               kind="sum", unit="人次"),
        _count("first_petitions", "初件（初信初访）", "期间内登记的、未关联到在先事项的信访件（未标记为重件）",
               _first),
        _count("repeat_petitions", "重件（重复信访）", "期间内登记的、关联到同一事项在先初件的信访件", _REPEAT),
        _ratio("repeat_ratio", "重复信访占比", "重件件数 ÷ 登记信访件数",
               Measure(PETITIONS, _REPEAT), REGISTERED, "received", group="intake"),
        _count("group_visits", "集体访批次", "期间内登记的集体访（来访人数达到集体访标准）批次", _petition_q(is_group_visit=True),
               unit="批次"),
        _count("group_visit_person_times", "集体访人次", "期间内登记的集体访人次之和", _petition_q(is_group_visit=True),
               kind="sum", unit="人次"),
        _count("skip_level", "越级访件数", "期间内登记的、标记为越级访的信访件数", _petition_q(is_skip_level=True)),
        _count("litigation_related", "涉法涉诉件数", "期间内登记的涉法涉诉信访件数", _petition_q(litigation_related=True)),
    ]
    for channel in Channel:
        items.append(_count(f"channel_{channel.value}", f"{channel.label}件数", f"期间内以{channel.label}形式登记的件数",
                            _petition_q(channel=channel.value), group="channel"))
    items += [
        _count("online", "网上信访件数", "期间内网上投诉、网上建议、领导信箱件数之和", _ONLINE, group="channel"),
        _ratio("online_ratio", "网上信访占比", "网上信访件数 ÷ 登记信访件数", Measure(PETITIONS, _ONLINE), REGISTERED,
               "received", group="channel"),
        # --- the procedure: clocks, evaluations, notices ---
        _ratio("timely_acceptance_rate", "及时受理率",
               "登记处理（转送、交办、不予受理、导入法定途径）和受理告知（受理、不予受理）环节均在法定期限内作出决定的事项 ÷ "
               "期间内了结上述环节的事项",
               _clock(lambda q: _settled(q, ACCEPTANCE_STEPS), lambda q: _late(q, ACCEPTANCE_STEPS)),
               _clock(lambda q: _settled(q, ACCEPTANCE_STEPS)), "settled", group="rates"),
        _ratio("on_time_completion_rate", "按期办结率",
               "在办理期限（含经批准延长、扣除听证时间）内出具处理意见的事项 ÷ 期间内了结办理期限的事项",
               _clock(lambda q: _settled(q, (K.HANDLING,)), lambda q: _late(q, (K.HANDLING,))),
               _clock(lambda q: _settled(q, (K.HANDLING,))), "settled", group="rates"),
        _ratio("satisfaction_rate", "群众满意率", "评价为满意或基本满意的事项 ÷ 期间内参加评价的事项",
               Measure(EVALUATIONS, lambda q: Q(rating__in=list(SATISFIED))), Measure(EVALUATIONS, _always),
               "rated", group="rates"),
        _count_clock("completed", "办结件数", "期间内出具处理意见书或调解协议（办理期限停止）的事项", _completed, "completed"),
        _ratio("evaluation_rate", "参评率", "期间内办结的事项中已参加满意度评价的 ÷ 期间内办结的事项",
               _clock(lambda q: _completed(q) & _evaluated()), _clock(_completed), "completed", group="rates"),
        _ratio("completion_rate", "办结率", "期间内受理的事项中截至期末已办结的 ÷ 期间内受理的事项",
               _clock(lambda q: Q(kind=K.HANDLING, started_on__range=(q.start, q.end), stopped_on__lte=q.end)),
               _clock(lambda q: Q(kind=K.HANDLING, started_on__range=(q.start, q.end))), "accepted", group="rates"),
        _ratio("resolution_rate", "化解率",
               "期间内办结的事项中，未申请复查、未再次信访（无重件）且未评价为不满意的 ÷ 期间内办结的事项",
               _clock(_resolved), _clock(_completed), "completed", group="rates"),
        _count_clock("overdue", "超期件数", "截至期末，有法定期限已过仍未办完的环节（不含申请期、评价期等可选期间）的事项",
                     _overdue, "as_of"),
    ]
    # Requests received = accepted (the review clock starts) + not accepted (a refusal notice, Arts 35, 36);
    # a refusal is not a review opinion and is counted apart from the opinions by outcome.
    for clock_kind, notice_kind, refusal_kind, label, key in (
        (K.REVIEW_DECISION, Notice.Kind.REVIEW, Notice.Kind.REVIEW_REFUSAL, "复查", "reviews"),
        (K.RE_REVIEW_DECISION, Notice.Kind.RE_REVIEW, Notice.Kind.RE_REVIEW_REFUSAL, "复核", "re_reviews"),
    ):
        items.append(_count_clock(f"{key}_requested", f"{label}申请受理件数", f"期间内受理{label}申请（{label}期限起算）的事项",
                                  _review_requested(clock_kind), "review_requested", group="review"))
        items.append(Indicator(f"{key}_not_accepted", f"{label}申请不予受理件数",
                               f"期间内对{label}申请出具不予受理告知书的事项（不计入{label}意见）", "review_refused", "count",
                               Measure(NOTICES, _notice_kind(refusal_kind)), group="review"))
        items.append(_count_clock(f"{key}_pending", f"{label}在办件数",
                                  f"截至期末已受理{label}申请、尚未出具{label}意见且仍在法定期限内的事项",
                                  _review_pending(clock_kind), "as_of", group="review"))
        items.append(Indicator(f"{key}_decided", f"{label}办结件数", f"期间内出具{label}意见书的事项", "review_decided",
                               "count", _clock(_review_decided(clock_kind, notice_kind)), group="review"))
        for outcome in ReviewOutcome:
            items.append(Indicator(
                f"{key}_{outcome.value}", f"{label}{outcome.label}件数", f"期间内{label}意见为“{outcome.label}”的事项",
                "review_decided", "count", _clock(_review_decided(clock_kind, notice_kind, outcome.value)),
                group="review"))
    # 补录: actions entered after the day they were taken; counted by the unit that entered them (by="unit").
    items.append(Indicator("late_entries", "补录办理操作数",
                           "期间内办理日期早于录入日期的办理操作（补录）次数；明细列出涉及的事项", "late_entry", "count",
                           Measure(LATE_ENTRIES, _always, count_rows=True), unit_zh="次", group="quality"))
    items.append(Indicator("late_entries_beyond_window", "超期补录办理操作数",
                           "补录中办理日期早于录入日期超过补录期限、经信访部门审核员批准的次数", "late_entry", "count",
                           Measure(LATE_ENTRIES, lambda q: Q(beyond_window=True), count_rows=True), unit_zh="次",
                           group="quality"))
    # 质量评查 (docs/QUALITY.md): points earned ÷ points possible over the period's current evaluations.
    items.append(_ratio("quality_score_rate", "质量评查得分率",
                        "期间内质量评查（首接首办质量评价、规范化评查）的得分之和 ÷ 满分之和；分子分母为分数，"
                        "明细列出参评的事项",
                        PointsMeasure(QUALITY, _always), PointsMeasure(QUALITY, _always, points_field="points_possible"),
                        "quality_evaluated", group="rates"))
    return tuple(items)


def _count_clock(key: str, name: str, definition: str, condition: Callable[[StatsQuery], Q], rule: str,
                 *, group: str = "rates") -> Indicator:
    return Indicator(key, name, definition, rule, "count", _clock(condition), group=group)


def _record_count(key: str, name: str, definition: str, source: Source, condition: Callable[[StatsQuery], Q],
                  rule: str, unit: str = "次") -> Indicator:
    return Indicator(key, name, definition, rule, "count", Measure(source, condition, count_rows=True), unit_zh=unit,
                     group="supervision")


def _issued(kind: str | None = None) -> Callable[[StatsQuery], Q]:
    return lambda q: Q(issued_on__gte=q.start) & (Q(kind=kind) if kind else Q())


def _unanswered_overdue(q: StatsQuery) -> Q:
    """Issued by `as_of`, its due date passed before then, and no answer by then (an answer ends it, however late)."""
    return (Q(issued_on__lte=q.as_of, due_on__lt=q.as_of)
            & (Q(responded_on__isnull=True) | Q(responded_on__gt=q.as_of)))


def _instruction_overdue(q: StatsQuery) -> Q:
    """As _unanswered_overdue, for a 批示: no final response (answered_on) by `as_of`."""
    return (Q(issued_on__lte=q.as_of, due_on__lt=q.as_of)
            & (Q(answered_on__isnull=True) | Q(answered_on__gt=q.as_of)))


def _answered(q: StatsQuery) -> Q:
    return Q(responded_on__range=(q.start, q.end)) & ~Q(adoption="")


ADOPTED = (Recommendation.Adoption.ADOPTED, Recommendation.Adoption.PARTLY)


def _supervision_indicators() -> tuple[Indicator, ...]:
    """督办, 三项建议 (Art 40) and the liability signals of the procedure (Arts 22, 23, 30), group "supervision"."""
    items = [_record_count("supervisions", "督办次数", "期间内签发的督办（电话、发函、现场、挂牌督办）次数", SUPERVISIONS,
                           _issued(), "issued")]
    for kind in Supervision.Kind:
        items.append(_record_count(f"supervisions_{kind.value}", f"{kind.label}次数", f"期间内签发的{kind.label}次数",
                                   SUPERVISIONS, _issued(kind.value), "issued"))
    items.append(_record_count("supervisions_overdue", "督办超期未回复件数",
                               "截至期末已过回复期限、责任单位仍未回复的督办件数", SUPERVISIONS, _unanswered_overdue,
                               "record_as_of", unit="件"))
    items.append(_record_count("recommendations", "三项建议件数", "期间内提出的改进工作、完善政策、追究责任建议件数",
                               RECOMMENDATIONS, _issued(), "issued", unit="件"))
    for kind in Recommendation.Kind:
        items.append(_record_count(f"recommendations_{kind.value}", f"{kind.label}件数", f"期间内提出的{kind.label}件数",
                                   RECOMMENDATIONS, _issued(kind.value), "issued", unit="件"))
    items.append(_record_count("recommendations_overdue", "建议超期未答复件数",
                               "截至期末已过答复期限、被建议单位仍未书面答复的三项建议件数", RECOMMENDATIONS,
                               _unanswered_overdue, "record_as_of", unit="件"))
    items.append(Indicator(
        "recommendation_adoption_rate", "建议采纳率", "期间内书面答复为采纳或部分采纳的三项建议 ÷ 期间内书面答复的三项建议",
        "answered", "rate", Measure(RECOMMENDATIONS, lambda q: _answered(q) & Q(adoption__in=list(ADOPTED)),
                                    count_rows=True),
        Measure(RECOMMENDATIONS, _answered, count_rows=True), unit_zh="%", group="supervision"))
    for kind in Rectification.Kind:
        items.append(_record_count(f"rectifications_{kind.value}", f"{kind.label}次数", f"期间内签发的{kind.label}次数",
                                   RECTIFICATIONS, _issued(kind.value), "issued"))
    items.append(_record_count("rectifications_overdue", "整改超期未报告件数",
                               "截至期末已过整改期限、被约谈（被责令整改）单位仍未报送整改情况的约谈和限期整改件数",
                               RECTIFICATIONS, _unanswered_overdue, "record_as_of", unit="件"))
    for kind in Circular.Kind:
        items.append(_record_count(f"circulars_{kind.value}", f"{kind.label}次数",
                                   f"期间内印发、现行有效的{kind.label}次数（已撤销的不计，更正后的通报计一次）",
                                   CIRCULARS, _issued(kind.value), "circulated"))
    items.append(_record_count("instructions", "领导批示件数", "期间内领导对信访事项作出批示的件数", INSTRUCTIONS,
                               _issued(), "issued", unit="件"))
    items.append(_record_count("instructions_overdue", "批示超期未落实件数",
                               "截至期末已过反馈期限、落实单位仍未最终反馈落实情况的领导批示件数", INSTRUCTIONS,
                               _instruction_overdue, "record_as_of", unit="件"))
    # 及时受理率 covers both steps; these two tell them apart, each counted for the org that had to act.
    items.append(Indicator("disposition_late", "登记处理超期件数",
                           "期间内了结的登记处理环节（转送、交办、不予受理、导入法定途径）超过15日法定期限的事项（第二十二条）",
                           "late_by_org", "count", Measure(CLOCKS_BY_ORG, lambda q: _late(q, (K.DISPOSITION,))),
                           group="supervision"))
    items.append(Indicator("acceptance_notice_late", "受理告知超期件数",
                           "期间内了结的受理告知环节（受理、不予受理）超过15日法定期限的事项（第二十三条）",
                           "late_by_org", "count", Measure(CLOCKS_BY_ORG, lambda q: _late(q, (K.ACCEPTANCE,))),
                           group="supervision"))
    items.append(_record_count("refused_destinations", "转送被检举控告单位被拒次数",
                               "期间内试图将检举控告类事项转送、交办给被检举控告单位（或其下属单位）或由其受理、被系统拒绝的次数"
                               "（第三十条第三款）", REFUSALS, _always, "attempted"))
    return tuple(items)


def _entered_by(party: str, condition: Callable[[StatsQuery], Q] = _always) -> Measure:
    return Measure(EVALUATIONS, lambda q: Q(entered_by_party=party) & condition(q))


# Who typed the rating in (workflow Evaluation.entered_by_party): the petitioner himself on the public portal, or
# staff. Staff-entered satisfaction is the figure an office can inflate (docs/PORTAL.md); the two are shown apart.
PORTAL_RATING_INDICATORS: tuple[Indicator, ...] = tuple(
    _ratio(f"satisfaction_rate_{party}_entered", f"群众满意率（{label}）",
           f"{label}的评价中为满意或基本满意的事项 ÷ 期间内{label}的评价事项",
           _entered_by(party, lambda q: Q(rating__in=list(SATISFIED))), _entered_by(party), "rated", group="rates")
    for party, label in (("petitioner", "信访人本人网上录入"), ("staff", "工作人员录入")))


INDICATORS: tuple[Indicator, ...] = _build() + _supervision_indicators() + PORTAL_RATING_INDICATORS
INDICATORS_BY_KEY: dict[str, Indicator] = {indicator.key: indicator for indicator in INDICATORS}
THREE_RATES = ("timely_acceptance_rate", "on_time_completion_rate", "satisfaction_rate")


# --- computation ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One computed figure; `value` is None for a rate whose denominator is zero (shown as "—")."""

    key: str
    value: int | Decimal | None
    numerator: int
    denominator: int | None = None

    @property
    def display(self) -> str:
        indicator = INDICATORS_BY_KEY[self.key]
        if indicator.kind == "rate":
            return "—" if self.value is None else f"{self.value}%"
        return f"{self.value}"


def percent(numerator: int, denominator: int | None) -> Decimal | None:
    """numerator ÷ denominator as a percentage with two decimals (half up); None for a zero denominator."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# Dimensions a table can be broken down by: the petition field each row is grouped on.
DIMENSIONS = {
    "channel": "channel",
    "category": "category_top",  # the top-level 问题分类
    "unit": "handling_org",  # 责任单位: the organ the matter was sent to (empty: kept by the office)
    "hot_topic": "hot_topics",
}


def _group_expression(source: Source, by: str) -> tuple[str, Any]:
    if by == "unit" and source.unit_field:
        return "group", F(source.unit_field)
    if source.many_petitions:  # a 三项建议 of several petitions has no one channel or category: one group
        return "group", Value(None, output_field=IntegerField())
    if by == "category":
        return "group", Coalesce(source.petition_field("category__parent_id"), source.petition_field("category_id"))
    return "group", F(source.petition_field(DIMENSIONS[by]))


def compute(q: StatsQuery, *, by: str | None = None,
            indicators: Iterable[Indicator] = INDICATORS) -> dict[Any, dict[str, Figure]]:
    """Every indicator for the query, in one grouped query per source; {group: {key: Figure}} (group None: total)."""
    indicators = tuple(indicators)
    if by is not None and by not in DIMENSIONS:
        raise ValueError(f"unknown dimension {by!r}")
    from xinfang.stats import rollup  # the rollup reads these declarations: imported here, not at the top

    # Closed calendar periods of a reader the cells are kept for: the heavy sources come from the rollup,
    # which holds the same grouped queries' results added up (docs/STATISTICS.md, "Rollups").
    reader = rollup.reader(q, by=by, indicators=indicators)
    rows: dict[Any, dict[str, Any]] = {}
    for source in SOURCES:
        aggregates: dict[str, Any] = {}
        for indicator in indicators:
            for key, measure in indicator.measures().items():
                if measure.source is source:
                    aggregates.update(measure.aggregates(key, q))
        if not aggregates:
            continue
        if reader is not None and source in rollup.HEAVY:
            for group, values in reader.rows(source, aggregates, by=by).items():
                rows.setdefault(group, {}).update(values)
            continue
        queryset = source.rows(q)
        if by is None:
            rows.setdefault(None, {}).update(queryset.aggregate(**aggregates))
            continue
        name, expression = _group_expression(source, by)
        for row in queryset.annotate(**{name: expression}).values(name).order_by().annotate(**aggregates):
            rows.setdefault(row.pop(name), {}).update(row)
    if by is None:
        rows.setdefault(None, {})
    return {group: _figures(indicators, row) for group, row in rows.items()}


def _figures(indicators: Iterable[Indicator], row: dict[str, Any]) -> dict[str, Figure]:
    figures = {}
    for indicator in indicators:
        numerator = indicator.numerator.value(f"{indicator.key}__num", row)
        if indicator.kind == "rate":
            denominator = indicator.denominator.value(f"{indicator.key}__den", row)
            figures[indicator.key] = Figure(indicator.key, percent(numerator, denominator), numerator, denominator)
        else:
            figures[indicator.key] = Figure(indicator.key, numerator, numerator)
    return figures


def compute_totals(q: StatsQuery, indicators: Iterable[Indicator] = INDICATORS) -> dict[str, Figure]:
    return compute(q, indicators=indicators)[None]


def combine(groups: dict[Any, dict[str, Figure]], indicators: Iterable[Indicator] = INDICATORS) -> dict[str, Figure]:
    """The total of a breakdown in which each petition falls in exactly one group (channel, unit, category).

    Every measure counts petitions (or sums their 人次), so such groups add up; rates are recomputed from the
    summed numerators and denominators. Not for hot topics: a petition may have several.
    """
    totals = {}
    for indicator in indicators:
        numerator = sum(figures[indicator.key].numerator for figures in groups.values())
        if indicator.kind == "rate":
            denominator = sum(figures[indicator.key].denominator for figures in groups.values())
            totals[indicator.key] = Figure(indicator.key, percent(numerator, denominator), numerator, denominator)
        else:
            totals[indicator.key] = Figure(indicator.key, numerator, numerator)
    return totals


# --- comparisons: 同比 (yoy) and 环比 (mom) ---------------------------------------------------------------


def _shift_year(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February → 28 February
        return day.replace(year=day.year + years, day=28)


def _month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def same_period_last_year(start: date, end: date) -> tuple[date, date]:
    if start.day == 1 and end == _month_end(end):  # whole months stay whole months (February 28/29)
        return _shift_year(start, -1), _month_end(_shift_year(end.replace(day=1), -1))
    return _shift_year(start, -1), _shift_year(end, -1)


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period just before: the previous month(s) for whole months, else the same number of days before."""
    if start.day == 1 and end == _month_end(end):
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        first = start
        for _ in range(months):
            first = (first - timedelta(days=1)).replace(day=1)
        return first, start - timedelta(days=1)
    length = (end - start).days + 1
    return start - timedelta(days=length), start - timedelta(days=1)


def change(current: Figure, base: Figure | None, *, kind: str) -> Decimal | None:
    """同比/环比. Counts: percent change against the base; None ("—") when the base is zero or missing.
    Rates: the difference in percentage points; None when either rate is missing.
    """
    if base is None:
        return None
    if kind == "rate":
        if current.value is None or base.value is None:
            return None
        return (Decimal(current.value) - Decimal(base.value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if not base.value:
        return None
    return ((Decimal(current.value) - Decimal(base.value)) * 100 / Decimal(base.value)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Comparison:
    figure: Figure
    last_year: Figure
    previous: Figure
    yoy: Decimal | None
    mom: Decimal | None


def compute_with_comparisons(q: StatsQuery, indicators: Iterable[Indicator] = INDICATORS,
                             current: dict[str, Figure] | None = None) -> dict[str, Comparison]:
    """The figures with 同比 and 环比: the indicator set now (unless given), last year and the previous period."""
    indicators = tuple(indicators)
    current = current if current is not None else compute_totals(q, indicators)
    last_year_range = same_period_last_year(q.start, q.end)
    previous_range = previous_period(q.start, q.end)
    last_year = compute_totals(q.shifted(*last_year_range), indicators)
    # For a whole year the previous period is last year: computed once.
    previous = last_year if previous_range == last_year_range else compute_totals(q.shifted(*previous_range),
                                                                                   indicators)
    return {
        indicator.key: Comparison(
            figure=current[indicator.key], last_year=last_year[indicator.key], previous=previous[indicator.key],
            yoy=change(current[indicator.key], last_year[indicator.key], kind=indicator.kind),
            mom=change(current[indicator.key], previous[indicator.key], kind=indicator.kind),
        )
        for indicator in indicators
    }


@dataclass(frozen=True)
class PeriodSlice:
    label: str
    start: date
    end: date


def split_period(start: date, end: date, *, step: str) -> list[PeriodSlice]:
    """The months, quarters or years that cover [start, end], clipped to it."""
    slices = []
    cursor = start
    while cursor <= end:
        if step == "month":
            last = _month_end(cursor)
            label = f"{cursor.year}年{cursor.month}月"
        elif step == "quarter":
            quarter = (cursor.month - 1) // 3
            last = _month_end(date(cursor.year, quarter * 3 + 3, 1))
            label = f"{cursor.year}年第{quarter + 1}季度"
        elif step == "year":
            last = date(cursor.year, 12, 31)
            label = f"{cursor.year}年"
        else:
            raise ValueError(f"unknown step {step!r}")
        slices.append(PeriodSlice(label, cursor, min(last, end)))
        cursor = last + timedelta(days=1)
    return slices


@dataclass
class Table:
    """A statistical table: one row per period or group, one column per indicator."""

    title: str
    columns: list[Indicator]
    rows: list[tuple[str, dict[str, Figure]]] = field(default_factory=list)
