"""Writes: generate (or regenerate) a report's figures, and append a narrative version. Each one transaction,
permission-checked here, audited."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from xinfang.audit.services import audit_record
from xinfang.orgs.models import Org, User
from xinfang.reports import permissions, wording
from xinfang.reports.content import STRUCTURES
from xinfang.reports.figures import figures_compute
from xinfang.reports.models import Report, ReportNarrative

NARRATIVE_MAX = 20000


@dataclass(frozen=True)
class ReportPeriod:
    start: date
    end: date


def period_for(*, kind: str, year: int, period: int | None = None) -> ReportPeriod:
    """The period of a kind: the year; the quarter (1–4) or the month (1–12) of the year."""
    if kind in (Report.Kind.ANNUAL, Report.Kind.ART41):
        return ReportPeriod(date(year, 1, 1), date(year, 12, 31))
    if kind == Report.Kind.QUARTERLY:
        if period not in (1, 2, 3, 4):
            raise ValidationError({"period": ["季度应为1至4"]})
        first = date(year, 3 * period - 2, 1)
        return ReportPeriod(first, wording.month_end(date(year, 3 * period, 1)))
    if kind == Report.Kind.MONTHLY:
        if period not in range(1, 13):
            raise ValidationError({"period": ["月份应为1至12"]})
        first = date(year, period, 1)
        return ReportPeriod(first, wording.month_end(first))
    raise ValidationError({"kind": [f"未知的报告类型“{kind}”"]})


def report_title(*, kind: str, office: Org, start: date, end: date) -> str:
    label = wording.period_label(start, end)
    if kind == Report.Kind.ANNUAL:
        return f"{office.name}关于{label}法治政府建设情况的报告"
    if kind == Report.Kind.ART41:
        return f"{office.name}关于{label}信访工作情况的报告"
    return f"{office.name}{label}信访形势分析"


def report_generate(*, actor: User | None, kind: str, office: Org, start: date, end: date,
                    today: date | None = None) -> Report:
    """Compute the figures and store them on the (kind, office, period) report, creating it the first time.

    `actor=None`: the command line (all data). Narratives are untouched.
    """
    if kind not in Report.Kind.values:
        raise ValidationError({"kind": [f"未知的报告类型“{kind}”"]})
    if start > end:
        raise ValidationError({"end": ["期间止不能早于期间起"]})
    if actor is not None:
        permissions.require_write(actor, office)
    figures = figures_compute(user=actor, office=office, start=start, end=end, today=today)
    with transaction.atomic():
        report, created = Report.objects.select_for_update().get_or_create(
            kind=kind, office=office, start=start, end=end,
            defaults={"title": report_title(kind=kind, office=office, start=start, end=end), "figures": figures,
                      "generated_at": timezone.now(), "generated_by": actor})
        if not created:
            report.figures = figures
            report.generated_at = timezone.now()
            report.generated_by = actor
            report.save(update_fields=["figures", "generated_at", "generated_by"])
        audit_record(actor=actor, action="report.generated" if created else "report.regenerated", target=report,
                     data={"kind": kind, "office": office.pk, "start": start.isoformat(), "end": end.isoformat(),
                           "figures": len(figures)})
    return report


def narrative_save(*, actor: User, report: Report, section: str, text: str) -> ReportNarrative:
    """A new version of one section's narrative (the newest is current); nothing changes when it is the same."""
    permissions.require_write(actor, report.office)
    if section not in {item.slug for item in STRUCTURES[report.kind]}:
        raise ValidationError({"section": [f"报告没有“{section}”这一章节"]})
    text = text.replace("\r\n", "\n").strip()
    if len(text) > NARRATIVE_MAX:
        raise ValidationError({"text": [f"文字段落不能超过{NARRATIVE_MAX}字"]})
    with transaction.atomic():
        Report.objects.select_for_update().filter(pk=report.pk).first()
        current = report.narratives.filter(section=section).order_by("-id").first()
        if current is not None and current.text == text:
            return current
        if current is None and not text:
            raise ValidationError({"text": ["请填写文字段落"]})
        version = ReportNarrative.objects.create(report=report, section=section, text=text, author=actor)
        audit_record(actor=actor, action="report.narrative_saved", target=report,
                     data={"section": section, "version": version.pk, "length": len(text)})
    return version
