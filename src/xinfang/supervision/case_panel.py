"""The 督办 panel of the case page: the 督办 on this matter the reader may see, and a way to issue one."""

from dataclasses import dataclass

from django.utils import timezone

from xinfang.orgs.models import Org, Role, User
from xinfang.petitions.models import Petition
from xinfang.supervision.records import Supervision
from xinfang.supervision.selectors_records import records_visible


@dataclass
class SupervisionPanel:
    petition: Petition
    records: list[tuple[Supervision, str]]  # each with its state today (open / overdue / answered / closed)
    can_issue: bool


def supervision_panel(*, user: User, petition: Petition) -> SupervisionPanel:
    today = timezone.localdate()
    records = (records_visible(Supervision, user=user).filter(petition=petition)
               .select_related("target_org", "issued_by").order_by("-issued_on", "-id"))
    # As services_records.require_supervisor: a 督查督办员 of a petition office issues.
    can_issue = (user.org is not None and user.org.kind == Org.Kind.PETITION_OFFICE
                 and user.has_role(Role.SUPERVISOR))
    return SupervisionPanel(petition=petition, records=[(r, r.state(today)) for r in records], can_issue=can_issue)
