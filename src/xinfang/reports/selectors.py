"""What a reader may see: reports of offices in scope; a report's current narratives and its draft."""

from dataclasses import dataclass

from django.db.models import QuerySet

from xinfang.orgs.models import User
from xinfang.orgs.selectors import user_scope_org_ids
from xinfang.reports import permissions
from xinfang.reports.content import DraftSection, draft
from xinfang.reports.models import Report, ReportNarrative


def reports_visible_to(*, user: User) -> QuerySet[Report]:
    if not permissions.can_read(user):
        return Report.objects.none()
    scope = user_scope_org_ids(user=user)
    reports = Report.objects.select_related("office", "generated_by")
    return reports if scope is None else reports.filter(office_id__in=scope)


def narratives_current(report: Report) -> dict[str, ReportNarrative]:
    current: dict[str, ReportNarrative] = {}
    for version in report.narratives.select_related("author").order_by("-id"):
        current.setdefault(version.section, version)
    return current


@dataclass(frozen=True)
class ReportSection:
    draft: DraftSection
    narrative: ReportNarrative | None

    @property
    def paragraphs(self) -> list[str]:
        """The narrative's paragraphs, then the generated sentences as one paragraph."""
        texts = [line.strip() for line in (self.narrative.text if self.narrative else "").split("\n") if line.strip()]
        if self.draft.sentences:
            texts.append("".join(self.draft.sentences))
        return texts


def report_sections(report: Report) -> list[ReportSection]:
    narratives = narratives_current(report)
    return [ReportSection(item, narratives.get(item.section.slug)) for item in draft(report.kind, report.figures)]


def report_history(report: Report, section: str) -> QuerySet[ReportNarrative]:
    return report.narratives.filter(section=section).select_related("author").order_by("-id")
