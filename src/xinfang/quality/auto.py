"""Items the system can pre-fill from the case (auto rules): each reads the record and says met or not, and why.

A result is only a suggestion: the reviewer confirms it or overrides it, and the evaluation records which
(`ItemScore.Source`). Every rule reads what the procedure stored (clocks, notices, evaluations), never a copy.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from xinfang.petitions.models import Petition
from xinfang.workflow.models import Clock, Evaluation, Notice

K = Clock.Kind


def _day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class AutoResult:
    met: bool
    reason_zh: str


def _clock_on_time(petition: Petition, kind: str, label: str) -> AutoResult:
    """The step's clock stopped by its statutory due date (the latest unvoided clock of that kind)."""
    clock = petition.clocks.filter(kind=kind, voided=False).order_by("-started_on", "-id").first()
    if clock is None:
        return AutoResult(False, f"无{label}期限记录")
    if clock.stopped_on is None:
        return AutoResult(False, f"{label}尚未完成（法定截止日{_day(clock.statutory_due)}）")
    if clock.stopped_on > clock.statutory_due:
        late = (clock.stopped_on - clock.statutory_due).days
        return AutoResult(False, f"{label}于{_day(clock.stopped_on)}完成，超过法定截止日"
                                 f"{_day(clock.statutory_due)}{late}天")
    return AutoResult(True, f"{label}于{_day(clock.stopped_on)}完成，在法定截止日"
                            f"{_day(clock.statutory_due)}之前")


def registration_complete(petition: Petition) -> AutoResult:
    """登记要素齐全: petitioner, locality, category, summary and demands are all recorded."""
    missing = []
    if not petition.parties.exists():
        missing.append("信访人")
    if not petition.locality_id:
        missing.append("问题属地")
    if not petition.category_id:
        missing.append("问题分类")
    if not (petition.summary or "").strip():
        missing.append("概况")
    if not (petition.demands or "").strip():
        missing.append("诉求")
    if missing:
        return AutoResult(False, f"缺少：{'、'.join(missing)}")
    return AutoResult(True, "信访人、问题属地、问题分类、概况、诉求均已登记")


def disposition_on_time(petition: Petition) -> AutoResult:
    return _clock_on_time(petition, K.DISPOSITION, "登记处理")


def acceptance_notice_on_time(petition: Petition) -> AutoResult:
    return _clock_on_time(petition, K.ACCEPTANCE, "受理告知")


def handled_on_time(petition: Petition) -> AutoResult:
    return _clock_on_time(petition, K.HANDLING, "办理")


# The 处理意见书's parts (Art 32) and where the procedure stores them: the request is the petition's demands
# (copied into the notice, except for an accusation, whose text stays encrypted on the petition).
DECISION_PARTS = (("demands", "信访人请求"), ("facts", "事实和理由"), ("decision", "处理意见"),
                  ("legal_basis", "法律法规依据"))


def decision_letter_complete(petition: Petition) -> AutoResult:
    """The latest unvoided 信访处理意见书 states the request, facts and reasons, decision and legal basis."""
    notice = petition.notices.filter(kind=Notice.Kind.DECISION, voided=False).order_by("-issued_at", "-id").first()
    if notice is None:
        return AutoResult(False, "尚未出具信访处理意见书")
    content = {**notice.content}
    content.setdefault("demands", petition.demands)
    missing = [label for key, label in DECISION_PARTS if not str(content.get(key) or "").strip()]
    if missing:
        return AutoResult(False, f"意见书{notice.number}未载明：{'、'.join(missing)}")
    return AutoResult(True, f"意见书{notice.number}载明请求、事实和理由、处理意见及依据")


def delivered(petition: Petition) -> AutoResult:
    # Delivery (送达, Art 35) starts the review window and the evaluation period; a corrected delivery voids them.
    if petition.clocks.filter(kind__in=(K.REVIEW_WINDOW, K.EVALUATION), voided=False).exists():
        return AutoResult(True, "处理意见书已送达")
    return AutoResult(False, "处理意见书尚未送达")


def evaluated(petition: Petition) -> AutoResult:
    evaluation = Evaluation.objects.filter(petition=petition, voided=False).order_by("-rated_on").first()
    if evaluation is None:
        return AutoResult(False, "尚未进行满意度评价")
    return AutoResult(True, f"已于{_day(evaluation.rated_on)}评价")


AUTO_RULES: dict[str, Callable[[Petition], AutoResult]] = {
    "registration_complete": registration_complete,
    "disposition_on_time": disposition_on_time,
    "acceptance_notice_on_time": acceptance_notice_on_time,
    "handled_on_time": handled_on_time,
    "decision_letter_complete": decision_letter_complete,
    "delivered": delivered,
    "evaluated": evaluated,
}
