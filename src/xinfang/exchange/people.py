"""People named in a history step (承办人 of assign_handler), as exchanged between systems.

A user's database id means nothing in another system, so a step names a person by
`{"username", "name", "org"}` (login name, the name shown, the org code of the person's org). The importer
takes the user of this system with that username in that org; a person who has no account here (an
import from another office into its own system) is kept by name, and the step is recorded as taken in the
source rather than checked against this system's staff (`recorded_step`): the matter keeps its history
and the name, and has no 承办人 account here.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied

from xinfang.audit.services import AuditEntry
from xinfang.orgs.models import Org, User
from xinfang.petitions.models import Petition, PetitionEvent, PetitionType
from xinfang.workflow.fields import FIELDS, parse_values, serialisable
from xinfang.workflow.models import Clock
from xinfang.workflow.services import action_event, check_acted_on, correction_snapshot, rule_for

# The step values that name a person (FieldSpec widget "user").
USER_VALUES = tuple(key for key, spec in FIELDS.items() if spec.widget == "user")
# Actions whose only use of the person is to name him: recordable by name when he has no account here.
# (A recusal writes a Recusal row that must point at a user.)
RECORDABLE = ("assign_handler",)


@dataclass(frozen=True)
class NamedPerson:
    """A person of the source system without an account here."""

    name: str
    username: str
    org_code: str

    def stored(self) -> dict[str, Any]:
        """As event values keep him: no id, and said to be outside this system."""
        return {"name": self.name, "username": self.username, "org": self.org_code, "in_system": False}


def exchanged_person(value: dict[str, Any], *, users: dict[int, tuple[str, str | None]]) -> dict[str, Any]:
    """An event's stored person as an export writes him: {username, name, org}."""
    if "id" not in value:  # recorded by name at an import: kept as the file gave him
        return {"username": value.get("username", ""), "name": value.get("name", ""), "org": value.get("org")}
    username, org_code = users.get(value["id"], ("", None))
    return {"username": username, "name": value.get("name", ""), "org": org_code}


def person_value(value: Any, *, orgs: dict[str, Org],
                 accounts: dict[tuple[str, int], User | None]) -> "User | NamedPerson":
    """The user a step names, or the named person without an account here; ValueError says what is wrong.

    `accounts` remembers each (username, org) looked up: an import names the same few handlers again and again.
    """
    if isinstance(value, dict):
        username = str(value.get("username") or "").strip()
        name = str(value.get("name") or "").strip() or username
        code = str(value.get("org") or "").strip()
        if not name:
            raise ValueError("应写明人员的姓名或用户名（{\"username\", \"name\", \"org\"}）")
        org = orgs.get(code) if code else None
        if code and org is None:
            raise ValueError(f"人员所在的机构代码未知：{code}")
        if username and org is not None:
            key = (username, org.pk)
            if key not in accounts:
                accounts[key] = User.objects.filter(username=username, org=org, is_active=True).select_related(
                    "org").first()
            user = accounts[key]
            if user is not None:
                return user
        return NamedPerson(name=name[:150], username=username[:150], org_code=code)
    if isinstance(value, bool) or isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
        raise ValueError(f"不能用另一系统的内部编号（{value}）指明人员，应写为 {{\"username\", \"name\", \"org\"}}")
    if isinstance(value, str) and value.strip():
        text = value.strip()
        if text in orgs:  # what exports before 2026-12-05 wrote when a user's id was also an org's
            raise ValueError(f"“{text}”是机构代码，不是人员；请用新版本重新导出，或写为 {{\"username\", \"name\", \"org\"}}")
        return NamedPerson(name=text[:150], username="", org_code="")
    raise ValueError("应写为 {\"username\", \"name\", \"org\"}（用户名、姓名、机构代码）或姓名")


def resolve_people(values: dict[str, Any], *, action: str, orgs: dict[str, Org],
                   accounts: dict[tuple[str, int], User | None], as_pk: bool) -> NamedPerson | None:
    """Replace each person value by this system's user (its pk if `as_pk`); the named person, if one has no account.

    ValueError names the field. A person without an account is accepted only where the action merely names him.
    """
    named = None
    for key in USER_VALUES:
        if values.get(key) in (None, ""):
            continue
        label = FIELDS[key].label
        try:
            person = person_value(values[key], orgs=orgs, accounts=accounts)
        except ValueError as error:
            raise ValueError(f"{label}：{error}") from None
        if isinstance(person, NamedPerson):
            if action not in RECORDABLE:
                raise ValueError(f"{label}：{person.name}在本系统没有账号，该操作不能按姓名导入")
            named = person
            values[key] = person
        else:
            values[key] = person.pk if as_pk else person
    return named


@dataclass
class RecordedStep:
    """An assign_handler to a person without an account here: the event and audit entry, not yet saved."""

    event: PetitionEvent
    audit: AuditEntry


def recorded_step(*, petition: Petition, action: str, actor: User, values: dict[str, Any], acted_on: date,
                  running: dict[str, Clock]) -> RecordedStep:
    """The step as the source took it, checked for what does not need the person (state, date, Art 30 ¶3).

    The petition has no 承办人 account afterwards (a reassignment to him ends an earlier one here too).
    """
    rule = rule_for(petition=petition, action=action)
    check_acted_on(petition=petition, acted_on=acted_on)
    if petition.petition_type == PetitionType.ACCUSATION and petition.complained_org_id in actor.org.ancestor_ids:
        raise PermissionDenied(f"办理机构“{actor.org.name}”无权办理该事项")
    people = {key: values.pop(key).stored() for key in USER_VALUES if isinstance(values.get(key), NamedPerson)}
    parsed = parse_values(required=tuple(f for f in rule.fields if f not in people), optional=rule.optional_fields,
                          raw=values)
    parsed.update(people)
    snapshot = correction_snapshot(petition=petition, running=running)
    petition.assignee = None
    petition.version += 1
    event = action_event(rule=rule, petition=petition, actor=actor, values=parsed, previous_status=petition.status,
                         acted_on=acted_on, notice=None, snapshot=snapshot, started=[])
    audit = AuditEntry(actor=actor, action=f"petition.{rule.action}", target=petition,
                       data={"from": petition.status, "to": petition.status, "values": serialisable(parsed)})
    return RecordedStep(event=event, audit=audit)

