"""The matrix covers what it claims: every org relation, every kind of org users sit in, every rule."""

from tests.security.conftest import TARGET_READERS, TARGETS, relation
from tests.security.test_action_matrix import ATTEMPTS
from xinfang.orgs.models import Org
from xinfang.workflow.rules import RULES

RELATIONS = {"own", "subordinate", "other", "accused", "inside-accused", "superuser-in-accused",
             "registering-office-inside-accused"}


def test_every_org_relation_is_read_by_someone(world):
    seen = {relation(world, world.users[reader], world.petitions[target]) for reader in TARGET_READERS for target in TARGETS}
    assert RELATIONS <= seen, f"not covered: {RELATIONS - seen}"


def test_readers_sit_in_every_kind_of_org(world):
    kinds = {world.org_by_pk[world.users[r].org_id].kind for r in TARGET_READERS if world.users[r].org_id}
    assert kinds == set(Org.Kind.values)
    offices = {world.org_by_pk[world.org_by_pk[world.users[r].org_id].parent_id].kind
               for r in TARGET_READERS if world.users[r].org_id and world.users[r].org.kind == Org.Kind.PETITION_OFFICE}
    assert offices == {Org.Kind.GOVERNMENT, Org.Kind.TOWNSHIP}  # a county's office and a township's


def test_every_rule_is_attempted_every_way():
    ways = {"wrong-role", "system-role", "out-of-scope", "accused", "superuser-in-accused"}
    for rule in RULES:
        tried = {how for attempted, how, *_ in ATTEMPTS if attempted is rule}
        assert tried == ways, rule.action
