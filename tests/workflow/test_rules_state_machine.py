"""Random sequences of actions and corrections on one petition (hypothesis' stateful testing): whatever is tried,
the matter never reaches an undefined state, never loses an event, a refused step changes nothing, a correction
restores the state before the action it undoes, and the deadlines stay consistent (one running clock of a kind,
never due before it started)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from tests.conftest import petition_input
from tests.workflow.test_rules_matrix import values_for
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create
from xinfang.petitions.models import Petition, PetitionEvent, PetitionStatus
from xinfang.petitions.services import petition_register
from xinfang.workflow.exceptions import RuleViolation, StaleVersion
from xinfang.workflow.models import Clock
from xinfang.workflow.rules import RULES
from xinfang.workflow.services import actions_allowed, petition_act, petition_correct

pytestmark = pytest.mark.django_db
REFUSALS = (RuleViolation, ValidationError, PermissionDenied, StaleVersion)


def test_random_actions_and_corrections_keep_the_matter_consistent(district, category, actors):
    official = user_create(username="fuzz-admin", password="pw-123456", org=district.office,
                           roles=[Role.ADMINISTRATOR], is_superuser=True)

    class Procedure(RuleBasedStateMachine):
        @initialize()
        def register(self):
            self.petition, _ = petition_register(
                data=petition_input(locality=district.township_a, category=category), actor=district.clerk)
            self.events = 1
            self.applied: list[str] = []
            self.before_last: str | None = None  # the status before the last action not yet corrected

        def _snapshot(self):
            petition = Petition.objects.get(pk=self.petition.pk)
            return petition.status, petition.version, PetitionEvent.objects.filter(petition=petition).count()

        @rule(action=st.sampled_from([item.action for item in RULES]))
        def act(self, action):
            self._try(action)

        @rule(data=st.data())
        def act_offered(self, data):
            """Mostly what the case page offers now, so the sequences go deep into the procedure."""
            petition = Petition.objects.get(pk=self.petition.pk)
            offered = [item.action for item in actions_allowed(petition=petition, actor=official)]
            if offered:
                self._try(data.draw(st.sampled_from(offered)))

        def _try(self, action):
            before = self._snapshot()
            try:
                petition_act(petition_id=self.petition.pk, action=action, actor=official,
                             values=values_for(action, district, actors, ""))
            except REFUSALS:
                assert self._snapshot() == before, f"a refused {action} changed the matter"
                return
            status, version, events = self._snapshot()
            assert version == before[1] + 1 and events > before[2], action
            self.before_last = before[0]
            self.applied.append(action)

        @rule()
        def correct(self):
            before = self._snapshot()
            try:
                petition_correct(petition_id=self.petition.pk, actor=official, reason="随机更正")
            except REFUSALS:
                assert self._snapshot() == before, "a refused correction changed the matter"
                return
            status, version, events = self._snapshot()
            assert events == before[2] + 1  # the correcting event is added; the corrected one stays
            if self.before_last is not None:
                assert status == self.before_last, "a correction did not restore the state before the action"
            self.before_last = None  # what came before that is not tracked

        @invariant()
        def consistent(self):
            if not hasattr(self, "petition"):
                return
            status, _, events = self._snapshot()
            assert status in PetitionStatus.values
            assert events >= self.events  # history is append-only
            self.events = events
            running = Clock.objects.filter(petition_id=self.petition.pk, stopped_on__isnull=True, voided=False)
            kinds = list(running.values_list("kind", flat=True))
            assert len(kinds) == len(set(kinds)), f"two running clocks of one kind: {kinds}"
            for clock in running:
                assert clock.statutory_due >= clock.started_on, clock.kind

    Procedure.TestCase.settings = settings(max_examples=25, stateful_step_count=10, deadline=None,
                                           derandomize=True, database=None,
                                           suppress_health_check=list(HealthCheck))
    Procedure.TestCase().runTest()
    # the sequences went through the procedure, not only into refusals
    reached = set(Petition.objects.values_list("status", flat=True))
    deep = {PetitionStatus.DRAFTED, PetitionStatus.REPLIED, PetitionStatus.DELIVERED, PetitionStatus.CLOSED,
            PetitionStatus.UNDER_REVIEW, PetitionStatus.REVIEWED, PetitionStatus.FINAL}
    assert len(reached) >= 5 and deep & reached, reached
