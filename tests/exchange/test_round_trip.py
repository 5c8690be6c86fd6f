"""Round trip: `xinfang export --full` here, `xinfang import` into an EMPTY database, the same matters.

"Empty" is what `xinfang migrate` gives (the shipped code lists and calendars) plus a superuser without an org.
The test takes a snapshot of every table's primary keys before its fixtures run, populates and exports, then
deletes every row added since (in any order: foreign keys are checked at the end, as both SQLite and
PostgreSQL defer them, and `check_constraints` proves nothing dangles). One database, both backends.
"""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.conftest import act, petition_input
from tests.exchange.conftest import empty_database
from xinfang.exchange.format import ACTION_LABELS, org_codes
from xinfang.exchange.importer import IMPORTED_EVENT
from xinfang.exchange.models import ImportedRecord
from xinfang.orgs.models import Org, Role, User
from xinfang.orgs.services import user_create
from xinfang.petitions.models import NumberSequence, Petition
from xinfang.petitions.services import petition_register
from xinfang.workflow.services import petition_correct

pytestmark = pytest.mark.django_db


@pytest.fixture
def populated(fresh_rows, delivered, district, category, actors):
    """Three matters: delivered and evaluated; extended after a corrected forward; a rejected 越级 重件."""
    second, _ = petition_register(data=petition_input(
        locality=district.township_a, category=category, summary="反映小区噪音扰民",
        received_at=timezone.make_aware(datetime(2026, 5, 6, 14, 0)), amount_involved=Decimal("1200.50")),
        actor=district.clerk)
    act(second, "forward", actors.reviewer, on=date(2026, 5, 7), handling_org=district.township_b.pk)
    petition_correct(petition_id=second.pk, actor=actors.reviewer, reason="转错了单位")
    act(second, "forward", actors.reviewer, on=date(2026, 5, 8), handling_org=district.township_a.pk)
    act(second, "accept", actors.handler, on=date(2026, 5, 11))
    act(second, "extend", actors.head, on=date(2026, 6, 1), days=20, reason="需要现场测量")

    third, _ = petition_register(data=petition_input(
        locality=district.township_a, category=category, summary="再次反映拖欠工资",
        received_at=timezone.make_aware(datetime(2026, 6, 1, 10, 0))), actor=district.clerk)
    Petition.objects.filter(pk=third.pk).update(first_petition=delivered, is_skip_level=True)  # the matching app's job
    act(third, "reject", actors.reviewer, on=date(2026, 6, 2), rejection_reason="skip_level")
    return [delivered, second, third]


def picture() -> dict:
    """Every matter as plain values, orgs by org code, numbers as numbers: comparable across databases."""
    codes = org_codes(orgs=Org.objects.all())

    def org(pk):
        return codes.get(pk)

    def values(data):
        return {key: codes.get(value["id"]) if isinstance(value, dict) and "id" in value else value
                for key, value in (data or {}).items()}

    matters = []
    for petition in Petition.objects.order_by("number"):
        events = list(petition.events.exclude(kind=IMPORTED_EVENT).order_by("id"))
        # A correction is not exported: the corrected step and the correction itself are left out.
        corrected = {event.data.get("corrects") for event in events if event.kind == "correct"}
        matters.append({
            "number": petition.number, "registering_org": org(petition.registering_org_id),
            "year": petition.year, "sequence": petition.sequence, "channel": petition.channel,
            "received_at": petition.received_at, "summary": petition.summary, "content": petition.content,
            "demands": petition.demands, "category": petition.category.code, "type": petition.petition_type,
            "locality": org(petition.locality_id), "complained_org": org(petition.complained_org_id),
            "amount": petition.amount_involved, "hot_topics": sorted(t.code for t in petition.hot_topics.all()),
            "litigation_related": petition.litigation_related, "urgency": petition.urgency,
            "person_times": petition.person_times, "is_group_visit": petition.is_group_visit,
            "first_petition": petition.first_petition.number if petition.first_petition_id else None,
            "is_skip_level": petition.is_skip_level, "status": petition.status,
            "handling_org": org(petition.handling_org_id), "outcome": petition.outcome,
            "legal_pathway": petition.legal_pathway,
            "petitioners": [(p.petitioner.kind, p.petitioner.name, p.petitioner.id_number, p.petitioner.phone,
                             p.petitioner.address, p.is_representative) for p in petition.parties.all()],
            "events": [(e.kind, e.data.get("acted_on"), org(e.actor_org_id), e.data.get("from"), e.data.get("to"),
                        values(e.data.get("values")), e.data.get("notice"), e.note)
                       for e in events if e.kind in (*ACTION_LABELS, "registered") and e.pk not in corrected],
            "clocks": sorted((c.kind, org(c.org_id), c.started_on, c.unit, c.length, c.extended_days, c.paused_days,
                              c.paused_since, c.statutory_due, c.target_due, c.provisional, c.stopped_on)
                             for c in petition.clocks.filter(voided=False)),
            "notices": sorted((n.kind, n.number, org(n.issuing_org_id)) for n in petition.notices.filter(voided=False)),
            "evaluations": [(e.rating, e.rated_by, e.rated_on, e.comment) for e in petition.evaluations.all()],
        })
    return {
        "matters": matters,
        "orgs": sorted((codes[o.pk], codes.get(o.parent_id), o.name, o.kind, o.level, o.region_code, o.short_name,
                        o.number_prefix, o.is_active) for o in Org.objects.all()),
        "sequences": sorted((org(s.org_id), s.year, s.last_value) for s in NumberSequence.objects.all()),
    }


@pytest.mark.parametrize("fmt", ["jsonl", "xlsx"])
def test_a_full_export_imported_into_an_empty_database_gives_the_same_matters(fresh_rows, populated, tmp_path, fmt):
    before = picture()
    assert [m["status"] for m in before["matters"]] == ["delivered", "accepted", "rejected"]
    assert before["matters"][2]["first_petition"] == before["matters"][0]["number"]
    path = tmp_path / f"full.{fmt}"
    call_command("export", "--out", str(path), "--full", "--unmask", "--reason", "迁移到新系统")

    empty_database(fresh_rows)
    assert not Org.objects.exists() and not Petition.objects.exists() and not User.objects.exists()
    User.objects.create_superuser(username="admin", password="pw-admin-123")  # as `xinfang createsuperuser`: no org
    call_command("import", str(path), "--user", "admin")

    after = picture()
    for old, new in zip(before["matters"], after["matters"], strict=True):
        for key in old:
            assert new[key] == old[key], f"{old['number']} {key}"
    assert after == before
    assert ImportedRecord.objects.count() == 3
    imported = Petition.objects.get(number=before["matters"][2]["number"]).events.get(kind=IMPORTED_EVENT)
    assert "越级" in imported.note and "重件" in imported.note

    # Re-import is a no-op; a registration made after the import continues after the imported numbers.
    call_command("import", str(path), "--user", "admin")
    assert picture() == before
    office = Petition.objects.get(number=before["matters"][0]["number"]).registering_org
    clerk = user_create(username="clerk2", password="pw-123456", org=office, roles=[Role.INTAKE_CLERK])
    later, _ = petition_register(data=petition_input(
        locality=Org.objects.get(region_code="500199101"), category=Petition.objects.first().category), actor=clerk)
    assert later.sequence == max(m["sequence"] for m in before["matters"] if m["year"] == later.year) + 1
