"""What each kind of report says: its sections in the genre's order, and the sentences filled from the figures.

A sentence names the indicator keys it reads. When one of them has no figure (its ledger is not installed, or
the reader may not see it) the sentence is left out of the draft and the 核对 page lists it as 数据未接入: the
report never prints a number it does not have. Every section also has a narrative paragraph the office writes
(models.ReportNarrative); the generated sentences are not editable.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from xinfang.reports import wording
from xinfang.reports.charts import ChartData, chart_data


class Facts:
    """The snapshot, read in the genre's wording."""

    def __init__(self, figures: dict[str, dict[str, Any]], *, when: str):
        self.figures = figures
        self.when = when  # 全年, 本季度, 本月

    def value(self, key: str) -> Any:
        return self.figures[key]["value"]

    def n(self, key: str, unit: str | None = None) -> str:
        item = self.figures[key]
        return wording.count(item["value"], unit or item["unit"])

    def bare(self, key: str) -> str:
        return wording.number(self.figures[key]["value"])

    def pct(self, key: str) -> str:
        return wording.percent(self.figures[key]["value"])

    def rate(self, label: str, key: str, *, lead: str = "，") -> str:
        """"，化解率50%"; nothing when the rate has no denominator (a sentence never prints "—")."""
        return "" if self.figures[key]["value"] is None else f"{lead}{label}{self.pct(key)}"

    def amount(self, key: str) -> str:
        return wording.amount(self.figures[key]["value"])

    def yoy(self, *keys: str) -> str:
        return wording.changes_phrase([self.figures[key]["yoy"] for key in keys])

    def mom(self, *keys: str) -> str:
        return wording.changes_phrase([self.figures[key]["mom"] for key in keys], prefix="环比")


@dataclass(frozen=True)
class Sentence:
    keys: tuple[str, ...]
    text: Callable[[Facts], str]
    label: str  # what it is about, for the 核对 page's 数据未接入 list
    # For a sentence over groups (the organs most complained of): the keys it reads, from the snapshot.
    keys_of: Callable[[dict[str, dict[str, Any]]], tuple[str, ...]] | None = None


@dataclass(frozen=True)
class Section:
    slug: str
    heading: str  # "" for the opening paragraph
    level: int  # 1: 一、 2: （一）
    sentences: tuple[Sentence, ...] = ()
    narrative_hint: str = ""
    charts: tuple[str, ...] = ()  # charts.CHARTS slugs, shown after the section's text


def _intake(f: Facts) -> str:
    return (f"{f.when}共登记受理群众来信来访、网上投诉、网上建议和领导信箱{f.n('registered')}{f.n('person_times')}"
            f"（初件{f.n('first_petitions')}，重复信访占比{f.pct('repeat_ratio')}），{f.yoy('registered', 'person_times')}，"
            f"已办结{f.n('completed')}，办结率{f.pct('completion_rate')}。")


def _intake_periodic(f: Facts) -> str:
    return (f"{f.when}共登记受理信访事项{f.n('registered')}{f.n('person_times')}，{f.mom('registered', 'person_times')}，"
            f"{f.yoy('registered', 'person_times')}；其中来访{f.n('batches')}{f.n('visit_person_times')}，"
            f"集体访{f.n('group_visits')}{f.n('group_visit_person_times')}，网上信访{f.n('online')}，"
            f"占比{f.pct('online_ratio')}。")


INTAKE = Sentence(("registered", "person_times", "first_petitions", "repeat_ratio", "completed", "completion_rate"),
                  _intake, "登记受理总量")
INTAKE_PERIODIC = Sentence(("registered", "person_times", "batches", "visit_person_times", "group_visits",
                            "group_visit_person_times", "online", "online_ratio"), _intake_periodic, "登记受理总量")
CHANNELS = Sentence(("online", "online_ratio", "batches", "visit_person_times", "group_visits"), lambda f: (
    f"其中网上信访{f.n('online')}，占比{f.pct('online_ratio')}；来访{f.n('batches')}{f.n('visit_person_times')}，"
    f"集体访{f.n('group_visits')}。"), "信访形式")
THREE_RATES = Sentence(("timely_acceptance_rate", "on_time_completion_rate", "satisfaction_rate", "evaluation_rate"),
                       lambda f: (f"及时受理率{f.pct('timely_acceptance_rate')}，按期办结率{f.pct('on_time_completion_rate')}，"
                                  f"群众满意率{f.pct('satisfaction_rate')}（参评率{f.pct('evaluation_rate')}）。"), "三率")


def _reviews(f: Facts) -> str:
    parts = []
    for key, label in (("reviews", "复查"), ("re_reviews", "复核")):
        parts.append(f"受理{label}申请{f.n(f'{key}_requested')}，不予受理{f.n(f'{key}_not_accepted')}，"
                     f"出具{label}意见{f.n(f'{key}_decided')}（维持{f.n(f'{key}_uphold')}、撤销{f.n(f'{key}_revoke')}、"
                     f"变更{f.n(f'{key}_modify')}），在办{f.n(f'{key}_pending')}")
    return "；".join(parts) + "。"


REVIEWS = Sentence(tuple(f"{key}_{part}" for key in ("reviews", "re_reviews")
                         for part in ("requested", "not_accepted", "decided", "uphold", "revoke", "modify", "pending")),
                   _reviews, "复查复核")


def _disputes(f: Facts) -> str:
    overdue = int(f.value("prevention_dispute_overdue") or 0)  # the snapshot may keep it as text
    return (f"开展矛盾纠纷排查{f.n('prevention_campaigns')}，排查发现矛盾纠纷{f.n('prevention_disputes')}"
            f"{f.n('prevention_dispute_batches', '批')}{f.n('prevention_dispute_person_times')}，"
            f"涉及金额{f.amount('prevention_dispute_amount')}，化解{f.n('prevention_disputes_settled')}"
            f"{f.rate('化解率', 'prevention_dispute_resolution_rate')}"
            # Offices name what is late, and leave out a zero.
            + (f"，截至期末超期未化解{f.n('prevention_dispute_overdue')}" if overdue else "") + "。")


DISPUTES = Sentence(("prevention_campaigns", "prevention_disputes", "prevention_dispute_batches",
                     "prevention_dispute_person_times", "prevention_dispute_amount", "prevention_disputes_settled",
                     "prevention_dispute_resolution_rate", "prevention_dispute_overdue"), _disputes, "矛盾纠纷排查化解")
CONCLUSIONS = (("approve", "准予实施"), ("defer", "暂缓实施"), ("reject", "不予实施"))
ASSESSMENTS = Sentence(("prevention_assessments", "prevention_filings", "prevention_filings_passed",
                        *(f"prevention_assessments_{value}" for value, _ in CONCLUSIONS)), lambda f: (
    f"完成社会稳定风险评估{f.n('prevention_assessments')}"
    + ("" if not f.value("prevention_assessments") or f.value("prevention_assessments") == "0" else
       "（" + "、".join(f"{label}{f.n(f'prevention_assessments_{value}')}" for value, label in CONCLUSIONS) + "）")
    + f"，向信访部门备案{f.n('prevention_filings')}，备案通过{f.n('prevention_filings_passed')}。"),
                       "社会稳定风险评估")
ASSESSMENT_KINDS = Sentence((), lambda f: f"按评估类别，{_groups(f, 'prevention_assessments_kind_')}。", "风险评估类别",
                            keys_of=lambda figures: _group_keys("prevention_assessments_kind_")(figures))
# 访调对接 and 导入诉讼 (prevention.indicators_referrals): disputes led into mediation or to the courts (预防法治化).
REFERRALS = Sentence(("referral_count", "referral_mediated", "referral_mediation_rate", "referral_amount",
                      "referral_recovered", "litigation_batches", "litigation_count", "litigation_amount"), lambda f: (
    f"通过访调对接移交人民调解、诉前调解等{f.n('referral_count')}，调解成功{f.n('referral_mediated')}"
    f"{f.rate('调解成功率', 'referral_mediation_rate')}，涉及金额{f.amount('referral_amount')}，"
    f"调解到位金额{f.amount('referral_recovered')}；引导{f.n('litigation_batches')}{f.n('litigation_count')}"
    f"{f.amount('litigation_amount')}纠纷通过诉讼解决。"), "访调对接和导入诉讼")
BACKLOG = Sentence(("backlog_cases", "backlog_reported", "backlog_struck_off", "backlog_resolution_rate",
                    "backlog_refluxes", "backlog_leaders", "backlog_leader_cases"), lambda f: (
    f"交办信访积案{f.n('backlog_cases')}，化解（报结）{f.n('backlog_reported')}，核实销号{f.n('backlog_struck_off')}"
    f"{f.rate('化解率', 'backlog_resolution_rate')}，反流{f.n('backlog_refluxes')}；{f.bare('backlog_leaders')}名领导"
    f"包案{f.n('backlog_leader_cases')}。"), "积案化解")
RECEPTIONS = Sentence(("receptions_held", "receptions_batches", "receptions_person_times", "receptions_petitions",
                       "receptions_petitions_finished", "receptions_finish_rate", "receptions_amount"), lambda f: (
    f"领导干部接访下访{f.n('receptions_held')}，接待群众{f.n('receptions_batches')}{f.n('receptions_person_times')}，"
    f"受理信访事项{f.n('receptions_petitions')}，办结{f.n('receptions_petitions_finished')}"
    f"{f.rate('办结率', 'receptions_finish_rate')}，涉及资金{f.amount('receptions_amount')}。"), "领导接访下访")
SUPERVISION_KINDS = (("phone", "电话督办"), ("letter", "发函督办"), ("on_site", "现场督办"), ("listed", "挂牌督办"))
SUPERVISION = Sentence(
    ("supervisions", "supervisions_overdue", "instructions", *(f"supervisions_{kind}" for kind, _ in SUPERVISION_KINDS)),
    lambda f: (f"开展督查督办{f.n('supervisions')}（"
               + "、".join(f"{label}{f.n(f'supervisions_{kind}')}" for kind, label in SUPERVISION_KINDS)
               + f"），督办超期未回复{f.n('supervisions_overdue')}；领导批示信访事项{f.n('instructions')}。"), "督查督办")
ACCOUNTABILITY = Sentence(
    ("circulars_criticism", "circulars_commendation", "rectifications_interview", "rectifications_order"),
    lambda f: (f"通报批评{f.n('circulars_criticism')}、通报表扬{f.n('circulars_commendation')}，约谈"
               f"{f.n('rectifications_interview')}，责令限期整改{f.n('rectifications_order')}。"), "通报和约谈整改")
RECOMMENDATIONS = Sentence(("recommendations", "recommendation_adoption_rate"), lambda f: (
    f"提出改进工作、完善政策、追究责任三项建议{f.n('recommendations')}"
    f"{f.rate('建议采纳率', 'recommendation_adoption_rate')}。"),
                           "三项建议")
ORDER = Sentence(("order_incidents", "order_persons"), lambda f: (
    f"依法处置违法信访行为{f.n('order_incidents')}，涉及{f.bare('order_persons')}人。"), "维护信访秩序")
# 普法 (publicity): the keys its section registers; until it lands the sentence is listed as 数据未接入.
PUBLICITY = Sentence(("publicity_activities", "publicity_person_times", "publicity_materials", "publicity_trainings",
                      "publicity_trainees", "publicity_exams", "publicity_exam_participants", "publicity_exam_pass_rate"),
                     lambda f: (f"开展《信访工作条例》等普法宣传活动{f.n('publicity_activities')}，覆盖{f.n('publicity_person_times')}，"
                                f"发放宣传资料{f.n('publicity_materials')}；举办业务培训{f.n('publicity_trainings')}，"
                                f"培训{f.n('publicity_trainees')}；组织学法考试{f.n('publicity_exams')}，"
                                f"参考{f.n('publicity_exam_participants')}{f.rate('通过率', 'publicity_exam_pass_rate')}。"),
                     "学习宣传培训")

def _group_keys(prefix: str) -> Callable[[dict[str, dict[str, Any]]], tuple[str, ...]]:
    return lambda figures: tuple(sorted((key for key in figures if key.startswith(prefix)),
                                        key=lambda key: figures[key]["rank"]))


def _groups(f: Facts, prefix: str, *, yoy: bool = False) -> str:
    """"青石镇6件、白沙镇2件"; with `yoy` each with its 同比: "青石镇6件（同比增长50%）"."""
    return "、".join(f"{f.figures[key]['group']}{f.n(key)}" + (f"（{f.yoy(key)}）" if yoy else "")
                    for key in _group_keys(prefix)(f.figures))


UNITS = Sentence((), lambda f: (f"转送、交办信访事项较多的责任单位依次为：{_groups(f, 'registered_unit_', yoy=True)}。"),
                 "被反映较多的机关", keys_of=_group_keys("registered_unit_"))
CATEGORIES = Sentence((), lambda f: f"信访反映的问题主要集中在{_groups(f, 'registered_category_', yoy=True)}。",
                      "反映的主要问题", keys_of=_group_keys("registered_category_"))
AREAS = Sentence((), lambda f: f"按属地统计，{_groups(f, 'registered_area_', yoy=True)}。", "按属地统计",
                 keys_of=_group_keys("registered_area_"))

ANNUAL = (
    Section("opening", "", 0, narrative_hint="开头段：年度法治政府建设总体情况"),
    Section("achievements", "一、主要做法和成效", 1),
    Section("prevention", "（一）坚持预防为先，从源头上减少信访问题", 2,
            (DISPUTES, ASSESSMENTS, ASSESSMENT_KINDS, REFERRALS, BACKLOG)),
    Section("intake", "（二）畅通受理渠道，依法分类处理信访诉求", 2, (INTAKE, CHANNELS),
            charts=("trend", "channels", "categories")),
    Section("handling", "（三）依法规范办理，提升办理质量和效率", 2, (THREE_RATES, REVIEWS, RECEPTIONS), charts=("units",)),
    Section("supervision", "（四）强化监督追责，压实信访工作责任", 2, (SUPERVISION, RECOMMENDATIONS, ACCOUNTABILITY)),
    Section("order", "（五）维护信访秩序，推进信访工作法治化", 2, (ORDER,)),
    Section("learning", "（六）加强学习宣传培训，营造尊法学法守法用法氛围", 2, (PUBLICITY,)),
    Section("problems", "二、存在的问题", 1, narrative_hint="存在的问题（由办公室撰写）"),
    Section("plans", "三、下一步工作打算", 1, narrative_hint="下一步工作打算（由办公室撰写）"),
    Section("leaders", "四、党政主要负责人履行推进法治建设第一责任人职责情况", 1,
            narrative_hint="党政主要负责人履职情况（由办公室撰写）"),
)

ART41 = (
    Section("opening", "", 0, narrative_hint="开头段：依据《信访工作条例》第四十一条报告年度信访工作情况"),
    Section("overview", "一、信访总体情况", 1, (INTAKE, CHANNELS, AREAS, THREE_RATES),
            charts=("trend", "channels", "areas")),
    Section("transfer", "二、转送、交办、督办情况", 1, (UNITS, SUPERVISION, REVIEWS), charts=("units",)),
    Section("recommendations", "三、提出改进工作、完善政策、追究责任建议情况", 1, (RECOMMENDATIONS,)),
    Section("analysis", "四、信访反映的主要问题及原因分析", 1, (CATEGORIES,), narrative_hint="反映较多的问题、被反映较多的机关及原因",
            charts=("categories",)),
    Section("plans", "五、下一步工作打算", 1),
)

PERIODIC = (
    Section("overview", "一、信访总体情况", 1, (INTAKE_PERIODIC, CATEGORIES), charts=("trend", "channels", "categories")),
    Section("handling", "二、办理情况", 1, (THREE_RATES, REVIEWS), charts=("units",)),
    Section("ledgers", "三、矛盾预防和积案化解", 1, (DISPUTES, REFERRALS, BACKLOG, RECEPTIONS)),
    Section("analysis", "四、信访形势分析", 1, narrative_hint="形势研判：热点问题、苗头隐患"),
    Section("plans", "五、下一步工作建议", 1),
)

STRUCTURES = {"annual": ANNUAL, "art41": ART41, "monthly": PERIODIC, "quarterly": PERIODIC}
WHEN = {"annual": "全年", "art41": "全年", "monthly": "本月", "quarterly": "本季度"}


@dataclass(frozen=True)
class DraftSection:
    section: Section
    sentences: tuple[str, ...]
    missing: tuple[Sentence, ...]
    keys: tuple[str, ...]  # the figures its sentences and charts cite
    charts: tuple[ChartData, ...] = ()


def draft(kind: str, figures: dict[str, dict[str, Any]]) -> list[DraftSection]:
    """The generated text of every section: each sentence whose figures are all present, and its charts."""
    facts = Facts(figures, when=WHEN[kind])
    result = []
    for section in STRUCTURES[kind]:
        sentences, missing, keys = [], [], []
        charts = tuple(chart for chart in (chart_data(slug, figures) for slug in section.charts) if chart is not None)
        for sentence in section.sentences:
            if sentence.keys_of is not None:
                wanted = sentence.keys_of(figures)
                if wanted:  # nothing to list (no petition sent anywhere): the sentence is not written
                    sentences.append(sentence.text(facts))
                    keys += [key for key in wanted if key not in keys]
            elif all(key in figures for key in sentence.keys):
                sentences.append(sentence.text(facts))
                keys += [key for key in sentence.keys if key not in keys]
            else:
                missing.append(sentence)
        for chart in charts:  # a chart's numbers are checked like a sentence's (核对, the Excel table)
            keys += [key for key in chart.keys if key not in keys]
        result.append(DraftSection(section, tuple(sentences), tuple(missing), tuple(keys), charts))
    return result
