"""The backlog ledgers' indicators, joined to the prevention section (prevention.indicators.SECTION).

积案 count by 交办（列入）日期, 报结 by 报结日期, 销号 by 销号日期; the rate's denominator is the cases assigned in the
period and its numerator those of them struck off by the period's end. 反流 count by the date detected. The
leaders in charge are a ledger of their own (one row a leader). 问题清单 count by 列入日期, 按期销号 by 销号日期
(struck off on or before the date), 超期未销号 as of the period's end (or today).
"""

from collections.abc import Callable

from django.db.models import Q

from xinfang.orgs.models import User
from xinfang.prevention.backlog import BacklogCase, ProblemListItem
from xinfang.prevention.selectors_backlog import (
    backlog_visible_to,
    leaders_visible_to,
    problem_overdue_q,
    problems_visible_to,
    refluxes_visible_to,
)
from xinfang.stats.ledgers import Breakdown, Column, Ledger, LedgerIndicator, LedgerMeasure, LedgerQuery, in_org

Status = BacklogCase.Status

BACKLOG = Ledger("backlog", "积案", backlog_visible_to, ("responsible_org_id",),
                 {"unit": "responsible_org_id", "leader": "leader_id"}, "prevention:backlog-detail",
                 related=("responsible_org", "leader"), columns=(
                     Column("积案", lambda r: r.summary), Column("交办日期", lambda r: r.assigned_on),
                     Column("责任单位", lambda r: r.responsible_org.name), Column("包案领导", lambda r: str(r.leader)),
                     Column("状态", lambda r: r.get_status_display())))
REFLUXES = Ledger("backlog_refluxes", "积案反流", refluxes_visible_to, ("case__responsible_org_id",),
                  {"unit": "case__responsible_org_id", "leader": "case__leader_id"}, "prevention:backlog-reflux",
                  related=("case",), columns=(
                      Column("积案", lambda r: f"{r.case.number} {r.case.summary}"),
                      Column("发现日期", lambda r: r.detected_on)))
LEADERS = Ledger("backlog_leaders", "包案领导", leaders_visible_to, (), {}, "prevention:backlog-leader",
                 columns=(Column("姓名", lambda r: str(r)),))
PROBLEMS = Ledger("problems", "群众信访问题清单", problems_visible_to, ("responsible_org_id",),
                  {"unit": "responsible_org_id"}, "prevention:problem-detail", related=("responsible_org",), columns=(
                      Column("问题", lambda r: r.summary), Column("限时销号日期", lambda r: r.due_on),
                      Column("责任单位", lambda r: f"{r.responsible_org.name}（{r.responsible_person}）"),
                      Column("状态", lambda r: r.get_status_display())))
LEDGERS: tuple[Ledger, ...] = (BACKLOG, REFLUXES, LEADERS, PROBLEMS)

PERIOD_RULES: dict[str, str] = {
    "backlog_assigned": "按交办（列入）日期计入",
    "backlog_reported": "按报结日期计入（已报结待核实和已核实销号的；核实不通过退回的不计）",
    "backlog_struck_off": "按销号日期计入，仅计信访部门审核员核实销号的",
    "backlog_assigned_struck": "分母为期间内交办的积案；分子为其中截至期末已核实销号的",
    "backlog_reflux": "按发现反流的日期计入",
    "backlog_leaders": "期间内交办的积案的包案领导，每人计一次",
    "problem_listed": "按列入日期计入",
    "problem_struck": "按销号日期计入，仅计在限时销号日期当日或之前销号的",
    "problem_overdue": "截至期末（期末晚于今天的截至今天）已过限时销号日期仍未销号的，不论列入日期",
}
DIMENSION_LABELS: dict[str, str] = {"leader": "包案领导"}


def _between(name: str) -> Callable[[LedgerQuery], Q]:
    return lambda q: Q(**{f"{name}__range": (q.start, q.end)})


def _reported(q: LedgerQuery) -> Q:
    return _between("reported_on")(q) & Q(status__in=(Status.REPORTED, Status.STRUCK_OFF))


def _struck(q: LedgerQuery) -> Q:
    return _between("struck_off_on")(q) & Q(status=Status.STRUCK_OFF)


def _assigned_and_struck(q: LedgerQuery) -> Q:
    return _between("assigned_on")(q) & Q(status=Status.STRUCK_OFF, struck_off_on__lte=q.end)


def _leaders_in_charge(q: LedgerQuery) -> Q:
    cases = in_org(backlog_visible_to(user=q.user), org=q.org, fields=BACKLOG.org_fields)
    return Q(pk__in=cases.filter(_between("assigned_on")(q)).values("leader_id"))


def _problems_on_time(q: LedgerQuery) -> Q:
    from django.db.models import F

    return _between("struck_off_on")(q) & Q(status=ProblemListItem.Status.STRUCK_OFF,
                                             struck_off_on__lte=F("due_on"))


def _problems_overdue(q: LedgerQuery) -> Q:
    return Q(listed_on__lte=q.as_of) & problem_overdue_q(q.as_of)


assigned = LedgerMeasure(BACKLOG, _between("assigned_on"))
INDICATORS: tuple[LedgerIndicator, ...] = (
    LedgerIndicator("backlog_cases", "交办积案件数", "期间内上级交办或本级排查列入的积案件数", "backlog_assigned", "count",
                    assigned),
    LedgerIndicator("backlog_reported", "化解（报结）件数", "期间内责任单位报结的积案件数", "backlog_reported", "count",
                    LedgerMeasure(BACKLOG, _reported)),
    LedgerIndicator("backlog_struck_off", "核实销号件数", "期间内经信访部门审核员核实销号的积案件数",
                    "backlog_struck_off", "count", LedgerMeasure(BACKLOG, _struck)),
    LedgerIndicator("backlog_resolution_rate", "积案化解率", "期间内交办的积案中截至期末已核实销号的 ÷ 期间内交办的积案",
                    "backlog_assigned_struck", "rate", LedgerMeasure(BACKLOG, _assigned_and_struck), assigned,
                    unit_zh="%"),
    LedgerIndicator("backlog_refluxes", "反流件数", "已核实销号的积案，销号后又有同一事项信访件（重复信访）的件数",
                    "backlog_reflux", "count", LedgerMeasure(REFLUXES, _between("detected_on"))),
    LedgerIndicator("backlog_leaders", "包案领导人数", "期间内交办的积案的包案领导人数", "backlog_leaders", "count",
                    LedgerMeasure(LEADERS, _leaders_in_charge), unit_zh="人"),
    LedgerIndicator("backlog_leader_cases", "包案件数", "期间内交办、由领导干部包案的积案件数（按包案领导分列）",
                    "backlog_assigned", "count", LedgerMeasure(BACKLOG, lambda q: _between("assigned_on")(q)
                                                               & Q(leader__isnull=False))),
    LedgerIndicator("problem_items", "问题清单件数", "期间内列入群众信访问题清单的问题件数", "problem_listed", "count",
                    LedgerMeasure(PROBLEMS, _between("listed_on"))),
    LedgerIndicator("problem_struck_on_time", "按期销号件数", "期间内在限时销号日期当日或之前销号的问题件数",
                    "problem_struck", "count", LedgerMeasure(PROBLEMS, _problems_on_time)),
    LedgerIndicator("problem_overdue", "超期未销号件数", "截至期末已过限时销号日期仍未销号的问题件数", "problem_overdue",
                    "count", LedgerMeasure(PROBLEMS, _problems_overdue)),
)

_BY_UNIT = ("backlog_cases", "backlog_reported", "backlog_struck_off", "backlog_resolution_rate", "backlog_refluxes",
            "problem_items", "problem_struck_on_time", "problem_overdue")
BREAKDOWNS: tuple[Breakdown, ...] = (
    Breakdown("unit", "积案和问题清单按责任单位", _BY_UNIT),
    Breakdown("leader", "积案按包案领导", ("backlog_leader_cases", "backlog_reported", "backlog_struck_off",
                                     "backlog_resolution_rate", "backlog_refluxes")),
)


def group_labels(dimension: str, keys: list) -> dict | None:
    """Names of a breakdown's groups for this module's own dimensions; None for a dimension it does not know."""
    if dimension == "leader":
        return {user.pk: str(user) for user in User.objects.filter(pk__in=keys)}
    return None
