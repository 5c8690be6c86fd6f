"""Generated petitions carried through the procedure: realistic states, only through the rules."""

from datetime import date

import pytest

from xinfang.audit.services import audit_verify
from xinfang.demo.district import district_build
from xinfang.demo.generator import generate_petitions
from xinfang.demo.procedure import progress_petitions
from xinfang.petitions.models import Petition, PetitionStatus
from xinfang.workflow.models import Clock, Notice

pytestmark = pytest.mark.django_db


def test_generated_petitions_reach_every_stage_and_recent_ones_stay_in_progress():
    # given: 300 petitions over the two years before 2026-11-01
    district = district_build()
    generate_petitions(n=300, seed=7, district=district, until=date(2026, 11, 1))
    # when
    counts = progress_petitions(district=district, seed=7, today=date(2026, 11, 1))
    # then
    statuses = set(Petition.objects.values_list("status", flat=True))
    assert {PetitionStatus.CLOSED, PetitionStatus.ACCEPTED, PetitionStatus.REJECTED} <= statuses
    assert counts["forward"] + counts["assign"] > 200 and counts["reply"] > 100
    # 青石镇's head signs the handler's draft; the other units' one account replies itself.
    assert counts["approve_reply"] > 10 and counts["draft_reply"] >= counts["approve_reply"]
    assert Notice.objects.filter(kind=Notice.Kind.DECISION).count() == counts["reply"] + counts["approve_reply"]
    assert not Petition.objects.filter(clocks__isnull=True).exists()  # every petition has its clocks
    assert Clock.objects.filter(stopped_on__isnull=True, kind=Clock.Kind.HANDLING).exists()  # work in progress
    assert audit_verify()[1] is None
    # a second run has nothing left to do
    assert sum(progress_petitions(district=district, seed=7, today=date(2026, 11, 1)).values()) == 0
