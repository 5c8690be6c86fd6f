"""The fictional district, the petition generator and the `seed` / `demo` commands."""

import io
import os
import re
import subprocess
import sys
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Max, Q
from django.utils import timezone

from tests.conftest import petition_input
from xinfang.audit.models import AuditEvent
from xinfang.audit.services import audit_verify
from xinfang.demo.district import DEMO_PASSWORD, district_build
from xinfang.demo.generator import generate_petitions
from xinfang.orgs.models import Org, Role, User
from xinfang.petitions import crypto
from xinfang.petitions.models import (
    Category,
    Channel,
    NumberSequence,
    Petition,
    Petitioner,
    PetitionEvent,
    PetitionParty,
)
from xinfang.petitions.services import format_number, petition_register
from xinfang.petitions.validators import validate_id_number, validate_uscc

UNTIL = date(2026, 3, 1)
ID_NUMBER_RE = re.compile(r"\d{17}[\dX]")


@pytest.fixture
def demo_district(db):
    return district_build()


def _snapshot() -> list[tuple]:
    return [
        (p.number, p.channel, p.received_at, p.summary, p.content, p.category_id, p.person_times,
         tuple((party.petitioner.name, party.petitioner.id_number, party.petitioner.phone)
               for party in p.parties.all()))
        for p in Petition.objects.order_by("number").prefetch_related("parties__petitioner")
    ]


def _delete_generated() -> None:
    PetitionEvent.objects.all().delete()
    PetitionParty.objects.all().delete()
    Petition.hot_topics.through.objects.all().delete()
    Petition.objects.update(first_petition=None)  # repeats protect their first petition
    Petition.objects.all().delete()
    Petitioner.objects.all().delete()
    NumberSequence.objects.all().delete()


def test_the_district_has_every_role_and_a_handler_per_township(demo_district):
    roles = {role for account in demo_district.accounts for role in account.roles}
    township_handlers = {user.org_id for user in demo_district.users.values() if user.has_role(Role.HANDLER)}

    assert roles == set(Role.values)
    assert {t.org.pk for t in demo_district.townships} <= township_handlers
    assert demo_district.users["admin"].is_superuser is True
    assert demo_district.users["clerk"].check_password(DEMO_PASSWORD) is True
    assert demo_district.office.number_prefix == "QXXF"


def test_the_district_region_codes_have_9_digits_for_townships_and_12_for_villages(demo_district):
    assert {len(t.org.region_code) for t in demo_district.townships} == {9}
    assert {len(v.region_code) for t in demo_district.townships for v in t.villages} == {12}
    assert all(v.region_code.startswith(t.org.region_code) for t in demo_district.townships for v in t.villages)


def test_building_the_district_twice_returns_the_same_district_without_new_rows(demo_district):
    orgs, users, events = Org.objects.count(), User.objects.count(), AuditEvent.objects.count()

    again = district_build()

    assert again.office.pk == demo_district.office.pk
    assert (Org.objects.count(), User.objects.count(), AuditEvent.objects.count()) == (orgs, users, events)


def test_the_same_seed_gives_the_same_petitions(demo_district):
    # given
    generate_petitions(n=300, seed=11, district=demo_district, until=UNTIL, batch_size=100)
    first = _snapshot()
    _delete_generated()
    # when
    generate_petitions(n=300, seed=11, district=demo_district, until=UNTIL, batch_size=100)
    # then
    assert len(first) == 300
    assert _snapshot() == first


# Run in a fresh interpreter: what a seed gives must not depend on the process's string hashing.
SEED_IN_SUBPROCESS = """
import django, sys
django.setup()
from datetime import date
from django.core.management import call_command
from xinfang.demo.generator import generate_petitions
from xinfang.petitions.models import Petition
call_command("migrate", verbosity=0)
generate_petitions(n=120, seed=12, until=date(2026, 3, 1))
for p in Petition.objects.order_by("number").prefetch_related("parties__petitioner"):
    print(p.number, p.summary, p.content, [party.petitioner.id_number for party in p.parties.all()])
"""


def test_the_same_seed_gives_the_same_petitions_in_another_process(demo_district, tmp_path):
    generate_petitions(n=120, seed=12, district=demo_district, until=UNTIL)
    here = "".join(
        f"{p.number} {p.summary} {p.content} {[party.petitioner.id_number for party in p.parties.all()]}\n"
        for p in Petition.objects.order_by("number").prefetch_related("parties__petitioner")
    )

    there = subprocess.run(
        [sys.executable, "-c", SEED_IN_SUBPROCESS], capture_output=True, text=True, check=True,
        env={**os.environ, "PYTHONHASHSEED": "12345", "DJANGO_SETTINGS_MODULE": "xinfang.config.settings.test",
             "DATABASE_URL": f"sqlite:///{tmp_path / 'other.sqlite3'}"},
    ).stdout

    assert there == here


def test_another_seed_gives_other_petitions(demo_district):
    generate_petitions(n=50, seed=1, district=demo_district, until=UNTIL)
    first = _snapshot()
    _delete_generated()

    generate_petitions(n=50, seed=2, district=demo_district, until=UNTIL)

    assert [row[3] for row in _snapshot()] != [row[3] for row in first]


def test_every_generated_id_number_is_valid_and_indexed(demo_district):
    generate_petitions(n=400, seed=3, district=demo_district, until=UNTIL, batch_size=100)
    petitioners = list(Petitioner.objects.exclude(id_number_index=""))
    people = [p for p in petitioners if p.kind == Petitioner.Kind.PERSON]
    firms = [p for p in petitioners if p.kind == Petitioner.Kind.ORGANISATION]

    assert len(people) > 100
    assert [validate_id_number(p.id_number) for p in people] == [p.id_number for p in people]
    assert [validate_uscc(p.id_number) for p in firms] == [p.id_number for p in firms]
    assert all(p.id_number_index == crypto.blind_index(p.id_number) for p in petitioners)
    assert len({p.id_number for p in petitioners}) == len(petitioners)


def test_the_raw_id_number_column_holds_ciphertext_only(demo_district):
    generate_petitions(n=200, seed=4, district=demo_district, until=UNTIL)
    table = connection.ops.quote_name(Petitioner._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id_number, name, phone FROM {table} WHERE id_number_index <> ''")
        raw = cursor.fetchall()
    plaintexts = set(Petitioner.objects.exclude(id_number_index="").values_list("id_number", flat=True))

    assert len(raw) == len(plaintexts) > 50
    assert all(value.startswith("v2:") for row in raw for value in row if value)
    assert not any(ID_NUMBER_RE.search(id_number) for id_number, _, _ in raw)
    assert {crypto.decrypt(id_number) for id_number, _, _ in raw} == plaintexts


def test_group_visits_have_at_least_five_persons_and_at_most_five_representatives(demo_district):
    generate_petitions(n=600, seed=5, district=demo_district, until=UNTIL)
    groups = list(Petition.objects.filter(is_group_visit=True).annotate(
        parties_count=Count("parties"), representatives=Count("parties", filter=Q(parties__is_representative=True))))

    assert groups
    assert all(p.channel == Channel.VISIT and p.person_times >= 5 for p in groups)
    assert all(1 <= p.parties_count <= 5 and p.representatives == p.parties_count for p in groups)


def test_some_petitioners_petition_again_under_the_same_id_number(demo_district):
    generate_petitions(n=600, seed=6, district=demo_district, until=UNTIL, batch_size=100)
    repeaters = Petitioner.objects.annotate(petitions=Count("parties")).filter(petitions__gte=2)

    assert repeaters.exists()
    assert all(p.id_number for p in repeaters)


def test_repeats_of_the_same_matter_point_at_its_first_petition(demo_district):
    generate_petitions(n=600, seed=6, district=demo_district, until=UNTIL, batch_size=100)
    repeats = list(Petition.objects.filter(first_petition__isnull=False).select_related("first_petition"))

    assert repeats
    assert all(p.first_petition.first_petition_id is None for p in repeats)  # the matter's first, not a repeat
    assert all(p.first_petition.received_at <= p.received_at for p in repeats)
    assert all(p.content.startswith("信访人曾就此事反映") or "信访人曾就此事反映" in p.content for p in repeats)
    assert all(set(p.parties.values_list("petitioner_id", flat=True))
               & set(p.first_petition.parties.values_list("petitioner_id", flat=True)) for p in repeats)


def test_every_petition_has_its_number_and_one_registered_event(demo_district):
    generate_petitions(n=200, seed=7, district=demo_district, until=UNTIL)
    office = demo_district.office
    petitions = list(Petition.objects.annotate(events_count=Count("events")))

    assert all(p.number == format_number(org=office, year=p.year, sequence=p.sequence) for p in petitions)
    assert all(p.received_at.astimezone(timezone.get_default_timezone()).year == p.year for p in petitions)
    assert all(p.events_count == 1 for p in petitions)
    assert set(PetitionEvent.objects.values_list("kind", flat=True)) == {PetitionEvent.Kind.REGISTERED}
    for year, last in Petition.objects.values_list("year").annotate(last=Max("sequence")):
        assert NumberSequence.objects.get(org=office, year=year).last_value == last


def test_a_seeding_run_writes_one_audit_event_and_keeps_the_chain_valid(demo_district):
    before = AuditEvent.objects.count()

    generate_petitions(n=250, seed=8, district=demo_district, until=UNTIL, batch_size=100)

    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.last().action == "demo.seed"
    assert audit_verify()[1] is None


def test_a_live_registration_after_seeding_takes_the_next_number(demo_district):
    # given
    generate_petitions(n=300, seed=9, district=demo_district, until=timezone.localdate())
    received_at = timezone.now() - timedelta(minutes=30)
    year = timezone.localtime(received_at).year
    last = Petition.objects.filter(year=year).aggregate(last=Max("sequence"))["last"] or 0
    category = Category.objects.get(code="0301")
    # when
    petition, created = petition_register(
        data=petition_input(locality=demo_district.townships[0].org, category=category, received_at=received_at),
        actor=demo_district.clerk,
    )
    # then
    assert created is True
    assert petition.number == format_number(org=demo_district.office, year=year, sequence=last + 1)
    assert petition.pk == Petition.objects.aggregate(last=Max("id"))["last"]


def test_seeding_on_top_of_seeded_data_reuses_petitioners_with_the_same_id_number(demo_district):
    generate_petitions(n=150, seed=10, district=demo_district, until=UNTIL)
    petitioners = Petitioner.objects.count()

    result = generate_petitions(n=150, seed=10, district=demo_district, until=UNTIL)

    assert Petition.objects.count() == 300
    assert Petitioner.objects.count() == petitioners + result.petitioners
    assert Petitioner.objects.values("id_number_index").exclude(id_number_index="").annotate(
        n=Count("id")).filter(n__gt=1).count() == 0


def test_the_seed_command_prints_what_it_generated(demo_district):
    out = io.StringIO()

    call_command("seed", "--petitions", "40", "--seed", "2", "--until", "2026-03-01", stdout=out, stderr=io.StringIO())

    assert Petition.objects.count() == 40
    assert "40 petitions" in out.getvalue()


def test_the_seed_command_rebuilds_the_text_index_identity_links_and_mass_matters(demo_district):
    from xinfang.matching.models import IdentityKey

    out = io.StringIO()

    call_command("seed", "--petitions", "60", "--seed", "3", "--until", "2026-03-01", stdout=out, stderr=io.StringIO())

    assert "similarity index rebuilt" in out.getvalue()
    assert "mass matters rebuilt" in out.getvalue()
    assert IdentityKey.objects.exists()


def test_the_demo_command_prepares_the_site_and_prints_the_accounts(db, settings, tmp_path):
    # given: static files go to a temporary folder; htmx is "installed" there too
    settings.STATIC_ROOT = tmp_path / "static"
    htmx = tmp_path / "node_modules" / "htmx.org" / "dist" / "htmx.min.js"
    htmx.parent.mkdir(parents=True)
    htmx.write_text("/* htmx */")
    settings.NODE_MODULES = tmp_path / "node_modules"
    out = io.StringIO()
    # when
    call_command("demo", "--no-serve", "--petitions", "30", stdout=out, stderr=io.StringIO())
    call_command("demo", "--no-serve", "--petitions", "30", stdout=io.StringIO(), stderr=io.StringIO())
    # then
    assert Petition.objects.count() == 30
    assert re.search(r"\| clerk\s+\| xinfang-demo\s+\| 登记员 intake_clerk", out.getvalue())
    assert (settings.STATIC_ROOT / "xinfang" / "app.css").exists()
