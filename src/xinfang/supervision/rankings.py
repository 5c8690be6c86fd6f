"""季度晾晒 (rankings of handling units), 示范/警示双榜 and liability signals (Arts 43–46), from the registry.

Every figure is an indicator of `xinfang.stats.indicators`, computed per unit by `compute(q, by="unit")` over
the user's scope (`stats.selectors.stats_query`); nothing here counts a petition itself. What is ranked, with
which weight, and the rules of the two lists are local policy in `rankings.toml` (or the file named by
`settings.XINFANG_RANKINGS_FILE`). docs/SUPERVISION.md, "晾晒与双榜", explains the method.
"""

import operator
import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import timezone

from xinfang.orgs.models import Org
from xinfang.petitions.validators import MAX_YEAR, MIN_YEAR
from xinfang.stats.indicators import INDICATORS_BY_KEY, Figure, Indicator, StatsQuery, compute

DEFAULT_FILE = Path(__file__).with_name("rankings.toml")
DIRECTIONS = {"higher": "高者居前", "lower": "低者居前"}
OPERATORS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq,
             "!=": operator.ne}
OPERATOR_ZH = {">=": "≥", ">": "＞", "<=": "≤", "<": "＜", "==": "＝", "!=": "≠"}
MATCH_ZH = {"all": "同时满足", "any": "满足其一"}
# Liability signals (Arts 43–46): figures of the registry, per unit. A "late" signal is a rate's denominator
# less its numerator (matters whose step settled late in the quarter); the drill-downs are both parts.
LIABILITY_LATE = (
    ("timely_acceptance_rate", "登记处理或受理告知超期（第43、44条）"),
    ("on_time_completion_rate", "未按期办结（第45条）"),
)
# The two acceptance-stage steps apart, each for the org that had to act (the office disposes, the unit gives
# the acceptance notice), and the refused attempts to send an accusation to the accused unit, for the unit of
# the user who attempted it.
LIABILITY_COUNTS = (
    ("disposition_late", "登记处理超期（第22、43条）"),
    ("acceptance_notice_late", "受理告知超期（第23、44条）"),
    ("overdue", "期末仍超期（第43—45条）"),
    ("late_entries", "补录办理操作（第46条）"),
    ("late_entries_beyond_window", "超期补录（第46条）"),
    ("refused_destinations", "转送被检举控告单位被拒（第30、46条）"),
)
TWO = Decimal("0.01")


# --- configuration -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureSpec:
    key: str
    weight: Decimal
    direction: str  # "higher" or "lower" is better
    min_denominator: int = 1

    @property
    def indicator(self) -> Indicator:
        return INDICATORS_BY_KEY[self.key]


@dataclass(frozen=True)
class Condition:
    key: str
    op: str
    value: Decimal

    def holds(self, figure: Figure) -> bool:
        return figure.value is not None and OPERATORS[self.op](Decimal(figure.value), self.value)

    def describe(self, figure: Figure) -> str:
        return f"{describe_figure(figure)} {OPERATOR_ZH[self.op]} {_number_zh(self.value, figure.key)}"


@dataclass(frozen=True)
class ListRule:
    name: str
    match: str  # "all" or "any"
    conditions: tuple[Condition, ...]

    def met(self, figures: dict[str, Figure]) -> list[Condition] | None:
        """The conditions that put a unit on the list, or None when the rule does not hold."""
        hits = [condition for condition in self.conditions if condition.holds(figures[condition.key])]
        if self.match == "all":
            return hits if len(hits) == len(self.conditions) else None
        return hits or None


@dataclass(frozen=True)
class ListSpec:
    key: str
    name: str
    ranked_only: bool
    rules: tuple[ListRule, ...]


@dataclass(frozen=True)
class RankingConfig:
    min_cases: int
    min_cases_indicator: str
    measures: tuple[MeasureSpec, ...]
    lists: tuple[ListSpec, ...]

    @property
    def min_cases_indicator_name(self) -> str:
        return INDICATORS_BY_KEY[self.min_cases_indicator].name_zh

    def indicator_keys(self) -> list[str]:
        keys = [self.min_cases_indicator] + [measure.key for measure in self.measures]
        keys += [condition.key for spec in self.lists for rule in spec.rules for condition in rule.conditions]
        keys += [key for key, _ in LIABILITY_LATE + LIABILITY_COUNTS]
        return list(dict.fromkeys(keys))


def _indicator_key(key: Any, where: str) -> str:
    if key not in INDICATORS_BY_KEY:
        raise ImproperlyConfigured(f"{where}: unknown indicator {key!r} (see docs/STATISTICS.md)")
    return key


def _decimal(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ImproperlyConfigured(f"{where}: a number is required, not {value!r}")
    return Decimal(str(value))


def config_parse(data: dict[str, Any]) -> RankingConfig:
    """A checked configuration from the parsed TOML; a mistake names its place (ImproperlyConfigured)."""
    ranking = data.get("ranking", {})
    min_cases = ranking.get("min_cases", 1)
    if not isinstance(min_cases, int) or min_cases < 0:
        raise ImproperlyConfigured("ranking.min_cases: a whole number ≥ 0 is required")
    basis = _indicator_key(ranking.get("min_cases_indicator", "timely_acceptance_rate"), "ranking.min_cases_indicator")
    measures = []
    for index, item in enumerate(data.get("measures", [])):
        where = f"measures[{index}]"
        direction = item.get("direction", "higher")
        if direction not in DIRECTIONS:
            raise ImproperlyConfigured(f"{where}.direction: \"higher\" or \"lower\", not {direction!r}")
        weight = _decimal(item.get("weight", 0), f"{where}.weight")
        if weight < 0:
            raise ImproperlyConfigured(f"{where}.weight: must not be negative")
        minimum = item.get("min_denominator", 1)
        if not isinstance(minimum, int) or minimum < 1:
            raise ImproperlyConfigured(f"{where}.min_denominator: a whole number ≥ 1 is required")
        measures.append(MeasureSpec(_indicator_key(item.get("key"), f"{where}.key"), weight, direction, minimum))
    if not measures:
        raise ImproperlyConfigured("measures: at least one measure is required")
    if len({measure.key for measure in measures}) != len(measures):
        raise ImproperlyConfigured("measures: each indicator once")
    lists = []
    for index, item in enumerate(data.get("lists", [])):
        where = f"lists[{index}]"
        rules = []
        for rule_index, rule in enumerate(item.get("rules", [])):
            rule_where = f"{where}.rules[{rule_index}]"
            match = rule.get("match", "all")
            if match not in MATCH_ZH:
                raise ImproperlyConfigured(f"{rule_where}.match: \"all\" or \"any\", not {match!r}")
            conditions = []
            for condition_index, condition in enumerate(rule.get("conditions", [])):
                condition_where = f"{rule_where}.conditions[{condition_index}]"
                op = condition.get("op")
                if op not in OPERATORS:
                    raise ImproperlyConfigured(f"{condition_where}.op: one of {', '.join(OPERATORS)}, not {op!r}")
                conditions.append(Condition(_indicator_key(condition.get("key"), f"{condition_where}.key"), op,
                                            _decimal(condition.get("value"), f"{condition_where}.value")))
            if not conditions:
                raise ImproperlyConfigured(f"{rule_where}.conditions: at least one condition is required")
            rules.append(ListRule(str(rule.get("name") or f"规则{rule_index + 1}"), match, tuple(conditions)))
        if not item.get("key") or not item.get("name"):
            raise ImproperlyConfigured(f"{where}: key and name are required")
        lists.append(ListSpec(str(item["key"]), str(item["name"]), bool(item.get("ranked_only", False)),
                              tuple(rules)))
    return RankingConfig(min_cases, basis, tuple(measures), tuple(lists))


def config_load(path: str | Path | None = None) -> RankingConfig:
    with open(path or DEFAULT_FILE, "rb") as handle:
        return config_parse(tomllib.load(handle))


@lru_cache(maxsize=4)
def _cached_config(path: str) -> RankingConfig:
    return config_load(path)


def ranking_config() -> RankingConfig:
    """The configuration in force: settings.XINFANG_RANKINGS_FILE, else the app's rankings.toml."""
    return _cached_config(str(getattr(settings, "XINFANG_RANKINGS_FILE", None) or DEFAULT_FILE))


# --- the quarter -----------------------------------------------------------------------------------------


def quarter_dates(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, quarter * 3 - 2, 1)
    following = date(year + 1, 1, 1) if quarter == 4 else date(year, quarter * 3 + 1, 1)
    return start, following - timedelta(days=1)


def last_complete_quarter(today: date) -> tuple[int, int]:
    quarter = (today.month - 1) // 3 + 1
    return (today.year - 1, 4) if quarter == 1 else (today.year, quarter - 1)


def quarter_parse(*, year: str | int | None, quarter: str | int | None,
                  today: date | None = None) -> tuple[int, int]:
    """A checked (year, quarter); none given: the last complete quarter. Problems are ValidationErrors."""
    if year in (None, "") and quarter in (None, ""):
        return last_complete_quarter(today or timezone.localdate())
    errors = {}
    try:
        year_value = int(str(year).strip())
        if not MIN_YEAR <= year_value <= MAX_YEAR:
            raise ValueError
    except ValueError:
        errors["year"] = [f"年份“{year}”无效，应在{MIN_YEAR}至{MAX_YEAR}之间"]
    try:
        quarter_value = int(str(quarter).strip())
        if not 1 <= quarter_value <= 4:
            raise ValueError
    except ValueError:
        errors["quarter"] = [f"季度“{quarter}”无效，应为1至4"]
    if errors:
        raise ValidationError(errors)
    return year_value, quarter_value


# --- the ranking -----------------------------------------------------------------------------------------


def _number_zh(value: Decimal | int, key: str) -> str:
    indicator = INDICATORS_BY_KEY[key]
    if indicator.kind == "rate":
        return f"{Decimal(value).quantize(TWO)}%"
    return f"{Decimal(value).normalize():f}{indicator.unit_zh}"


def describe_figure(figure: Figure) -> str:
    """"按期办结率 96.67%（29/30）", "超期件数 2件", "群众满意率 —（无评价）"."""
    indicator = INDICATORS_BY_KEY[figure.key]
    if indicator.kind == "rate":
        if figure.value is None:
            return f"{indicator.name_zh} —（0件）"
        return f"{indicator.name_zh} {figure.value}%（{figure.numerator}/{figure.denominator}）"
    return f"{indicator.name_zh} {figure.value}{indicator.unit_zh}"


@dataclass
class MeasureRank:
    spec: MeasureSpec
    figure: Figure
    rank: int | None = None
    tied_with: list[str] = field(default_factory=list)
    basis_zh: str = ""


@dataclass
class UnitRanking:
    org_id: int
    name: str
    figures: dict[str, Figure]
    cases: int
    ranked: bool
    measures: list[MeasureRank] = field(default_factory=list)
    score: Decimal | None = None
    rank: int | None = None
    tied_with: list[str] = field(default_factory=list)
    basis_zh: str = ""


@dataclass
class ListEntry:
    unit: UnitRanking
    rule: ListRule
    reasons_zh: list[str]


@dataclass
class LiabilityRow:
    org_id: int
    name: str
    late: list[tuple[str, str, Figure, int]]  # (key, label, the rate's figure, late = denominator − numerator)
    counts: list[tuple[str, str, Figure]]

    @property
    def any(self) -> bool:
        return any(late for *_, late in self.late) or any(figure.value for *_, figure in self.counts)


@dataclass
class Rankings:
    year: int
    quarter: int
    start: date
    end: date
    config: RankingConfig
    units: list[UnitRanking]  # ranked first, by overall rank, then the unranked by name
    lists: list[tuple[ListSpec, list[ListEntry]]]
    liability: list[LiabilityRow]

    @property
    def title(self) -> str:
        return f"{self.year}年第{self.quarter}季度"


def _competition_ranks(items: list[tuple[Any, Decimal]], *, higher_first: bool) -> dict[Any, int]:
    """1, 1, 3: an equal value shares the rank, and the next rank counts the units before it."""
    ranks = {}
    for key, value in items:
        better = sum(1 for _, other in items if (other > value if higher_first else other < value))
        ranks[key] = better + 1
    return ranks


def _unit_sort_key(unit: UnitRanking) -> tuple:
    return (not unit.ranked, unit.rank if unit.rank is not None else 10**9, unit.name)


def rankings_compute(*, q: StatsQuery, year: int, quarter: int, unit_ids: set[int] | None,
                     config: RankingConfig | None = None) -> Rankings:
    """The quarter's 晾晒, 双榜 and liability signals for the units in `unit_ids` (None: every unit).

    `q` is the quarter's StatsQuery over the reader's scope; the units are the 责任单位 of the by-unit
    breakdown (the row of matters kept by the office is no unit and is left out of the ranking).
    """
    config = config or ranking_config()
    indicators = [INDICATORS_BY_KEY[key] for key in config.indicator_keys()]
    by_unit = compute(q, by="unit", indicators=indicators)
    ids = [key for key in by_unit if key is not None and (unit_ids is None or key in unit_ids)]
    orgs = {org.pk: org for org in Org.objects.filter(pk__in=ids).only("pk", "name", "kind", "path")}
    basis = INDICATORS_BY_KEY[config.min_cases_indicator]

    units: list[UnitRanking] = []
    liability: list[LiabilityRow] = []
    for org_id in ids:
        org = orgs.get(org_id)
        if org is None:
            continue
        figures = by_unit[org_id]
        liability.append(LiabilityRow(
            org_id, org.name,
            [(key, label, figures[key], figures[key].denominator - figures[key].numerator)
             for key, label in LIABILITY_LATE],
            [(key, label, figures[key]) for key, label in LIABILITY_COUNTS]))
        if org.kind == Org.Kind.PETITION_OFFICE:  # an office enters 补录 for its disposition: no handling unit
            continue
        figure = figures[basis.key]
        cases = figure.denominator if basis.kind == "rate" else int(figure.value or 0)
        units.append(UnitRanking(org_id, org.name, figures, cases, ranked=cases >= config.min_cases))
    names = {unit.org_id: unit.name for unit in units}
    ranked = [unit for unit in units if unit.ranked]

    for spec in config.measures:
        indicator = spec.indicator
        candidates = []
        for unit in ranked:
            figure = unit.figures[spec.key]
            if figure.value is not None and (indicator.kind != "rate" or figure.denominator >= spec.min_denominator):
                candidates.append((unit.org_id, Decimal(figure.value)))
        ranks = _competition_ranks(candidates, higher_first=spec.direction == "higher")
        values = dict(candidates)
        for unit in units:
            item = MeasureRank(spec, unit.figures[spec.key])
            described = describe_figure(item.figure)
            if not unit.ranked:
                item.basis_zh = f"{described}（未参与排名）"
            elif unit.org_id not in ranks:
                why = "无数据" if item.figure.value is None else f"分母不足{spec.min_denominator}件"
                item.basis_zh = f"{described}，{why}，不参与该项排名"
            else:
                item.rank = ranks[unit.org_id]
                item.tied_with = sorted(names[other] for other, value in values.items()
                                        if other != unit.org_id and value == values[unit.org_id])
                tie = f"与{'、'.join(item.tied_with)}并列" if item.tied_with else "列"
                item.basis_zh = f"{described}，{tie}第{item.rank}（{DIRECTIONS[spec.direction]}）"
            unit.measures.append(item)

    for unit in ranked:
        weighed = [item for item in unit.measures if item.rank is not None and item.spec.weight > 0]
        total_weight = sum((item.spec.weight for item in weighed), Decimal(0))
        if not total_weight:
            unit.ranked = False
            unit.basis_zh = "各项均无可比数据，不参与综合排名"
            continue
        unit.score = (sum((item.spec.weight * item.rank for item in weighed), Decimal(0)) / total_weight).quantize(
            TWO, rounding=ROUND_HALF_UP)
        terms = "＋".join(f"{item.spec.indicator.name_zh}第{item.rank}×{item.spec.weight}" for item in weighed)
        unit.basis_zh = f"综合得分 {unit.score}（（{terms}）÷{total_weight}，各项名次加权平均，得分低者居前）"
    scored = [(unit.org_id, unit.score) for unit in ranked if unit.ranked]
    overall = _competition_ranks(scored, higher_first=False)
    scores = dict(scored)
    for unit in ranked:
        if not unit.ranked:
            continue
        unit.rank = overall[unit.org_id]
        unit.tied_with = sorted(names[other] for other, score in scores.items()
                                if other != unit.org_id and score == unit.score)
        if unit.tied_with:
            unit.basis_zh += f"，与{'、'.join(unit.tied_with)}得分相同，并列第{unit.rank}"
        else:
            unit.basis_zh += f"，列第{unit.rank}"
    for unit in units:
        if not unit.ranked and not unit.basis_zh:
            unit.basis_zh = (f"{basis.name_zh}{'分母' if basis.kind == 'rate' else ''}{unit.cases}件，"
                             f"不足{config.min_cases}件，不参与排名")
    units.sort(key=_unit_sort_key)

    lists = []
    for spec in config.lists:
        entries = []
        for unit in units:
            if spec.ranked_only and not unit.ranked:
                continue
            for rule in spec.rules:
                hits = rule.met(unit.figures)
                if hits is not None:
                    entries.append(ListEntry(unit, rule, [condition.describe(unit.figures[condition.key])
                                                          for condition in hits]))
                    break  # the first rule that holds is the one stated
        lists.append((spec, entries))
    liability.sort(key=lambda row: (not row.any, row.name))
    start, end = quarter_dates(year, quarter)
    return Rankings(year, quarter, start, end, config, units, lists, liability)


def rule_text(rule: ListRule) -> str:
    """A rule in words: "三率均不低于95%且无超期：及时受理率≥95%、…（同时满足）"."""
    parts = "、".join(f"{INDICATORS_BY_KEY[c.key].name_zh}{OPERATOR_ZH[c.op]}{_number_zh(c.value, c.key)}"
                      for c in rule.conditions)
    return f"{rule.name}：{parts}（{MATCH_ZH[rule.match]}）" if len(rule.conditions) > 1 else f"{rule.name}：{parts}"


# --- Excel -----------------------------------------------------------------------------------------------


def _excel_figure(figure: Figure) -> Any:
    """A rate as an Excel percentage (0.9667 shown as 96.67%), a count as a number, no value as "—"."""
    if figure.value is None:
        return "—"
    if INDICATORS_BY_KEY[figure.key].kind == "rate":
        return float(Decimal(figure.value) / 100)
    return figure.value


def rankings_workbook(*, rankings: Rankings, out, scope_name: str, with_liability: bool) -> None:
    """The 晾晒 table, the two lists and (for supervisors) the liability signals, as one workbook.

    Every text cell goes through exchange.cells (a unit's name could start with "="); figures are numbers.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from xinfang.exchange.cells import xlsx_row

    bold = Font(bold=True)
    book = Workbook()
    sheet = book.active
    sheet.title = "晾晒排名"
    measures = rankings.config.measures
    sheet.append(xlsx_row(sheet, [f"{scope_name}{rankings.title}责任单位晾晒排名"]))
    sheet["A1"].font = bold
    header = ["综合名次", "责任单位", "综合得分"]
    for spec in measures:
        name = spec.indicator.name_zh
        header += [name, f"{name}名次"] + ([f"{name}分子", f"{name}分母"] if spec.indicator.kind == "rate" else [])
    header.append("排名依据")
    sheet.append(xlsx_row(sheet, header))
    for cell in sheet[2]:
        cell.font = bold
    for unit in rankings.units:
        row: list[Any] = [unit.rank if unit.rank is not None else "未排名", unit.name,
                          float(unit.score) if unit.score is not None else "—"]
        percent_columns = []
        for item in unit.measures:
            if item.spec.indicator.kind == "rate":
                percent_columns.append(len(row) + 1)
                row += [_excel_figure(item.figure), item.rank if item.rank is not None else "—",
                        item.figure.numerator, item.figure.denominator]
            else:
                row += [_excel_figure(item.figure), item.rank if item.rank is not None else "—"]
        row.append("；".join([unit.basis_zh] + [item.basis_zh for item in unit.measures]))
        sheet.append(xlsx_row(sheet, row))
        for column in percent_columns:
            cell = sheet.cell(row=sheet.max_row, column=column)
            if isinstance(cell.value, float):
                cell.number_format = "0.00%"

    lists_sheet = book.create_sheet("示范警示双榜")
    lists_sheet.append(xlsx_row(lists_sheet, [f"{scope_name}{rankings.title}示范榜、警示榜"]))
    lists_sheet["A1"].font = bold
    lists_sheet.append(xlsx_row(lists_sheet, ["榜单", "责任单位", "综合名次", "列入规则", "依据"]))
    for spec, entries in rankings.lists:
        for entry in entries:
            lists_sheet.append(xlsx_row(lists_sheet, [
                spec.name, entry.unit.name, entry.unit.rank if entry.unit.rank is not None else "未排名",
                rule_text(entry.rule), "；".join(entry.reasons_zh)]))
        if not entries:
            lists_sheet.append(xlsx_row(lists_sheet, [spec.name, "（无）"]))

    if with_liability:
        signals = book.create_sheet("追责线索")
        signals.append(xlsx_row(signals, [f"{scope_name}{rankings.title}责任单位追责问责线索（第43—46条）"]))
        signals["A1"].font = bold
        signals.append(xlsx_row(signals, ["责任单位"] + [label for _, label in LIABILITY_LATE]
                                + [label for _, label in LIABILITY_COUNTS]))
        for row in rankings.liability:
            signals.append(xlsx_row(signals, [row.name] + [late for *_, late in row.late]
                                    + [figure.value for *_, figure in row.counts]))
    book.save(out)
