"""The permission matrix over the ledgers beside the petitions (supervision, prevention with 访调对接, receptions, order, publicity, reports, the portal).

Every ledger record here is linked to petitions of the world — among them accusations against the very unit
the record belongs to. Every reader of the world opens every read path of every ledger (lists, details,
exports, figures and their drill-downs, the report draft and its 核对 view): nothing answers 500, and no body
names a petition the reader may not see (its number, summary marker, petitioner or id) — the same
`assert_no_leak` the petition matrix uses. So a township that keeps a 积案 about a complaint against itself sees
its case but never the accusation behind it (Art 30). The 违法信访行为 ledger is restricted: only its roles
read it (docs/ORDER.md), everyone else is refused on every path.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction

from tests.security.conftest import READERS, role_user_key
from tests.security.helpers import assert_no_leak, read, web_client
from xinfang.order import permissions as order_permissions
from xinfang.order.services import IncidentInput, PersonInput, incident_create
from xinfang.orgs.models import Role, User
from xinfang.prevention.models import DisputeField
from xinfang.prevention.services_backlog import CaseInput, case_create
from xinfang.prevention.services_disputes import DisputeInput, dispute_create
from xinfang.prevention.services_referrals import LitigationInput, ReferralInput, litigation_create, referral_create
from xinfang.receptions.services import ReceptionInput, reception_create
from xinfang.supervision.services_records import SupervisionInput, supervision_issue
from xinfang.reports.services import report_generate

# Every reader of the petition matrix, and the roles that see ledgers in their own way.
LEDGER_READERS = READERS + tuple(role_user_key(org, role) for org, role in (
    ("township_a", Role.LEADER), ("county", Role.LEADER), ("county_office", Role.STATISTICIAN),
    ("county_office", Role.SUPERVISOR), ("county_office", Role.INTAKE_CLERK), ("county_office", Role.ADMINISTRATOR),
    ("county_office", Role.SECURITY_ADMIN), ("county_office", Role.AUDITOR), ("township_a", Role.HANDLER),
))
# (owning unit, petitions linked): each unit keeps records about an accusation against itself and a grievance.
RECORDS = (
    ("township_a", ("ACC_T", "ACC_CH", "G_A", "G_TOWN")),
    ("department", ("ACC_D", "G_B")),
    ("township_b", ("G_B", "ACC_C")),
)
PERIOD = {"start": "2026-01-01", "end": "2026-12-31"}


@pytest.fixture(scope="module")
def ledgers(world, django_db_blocker):
    """One record per ledger and unit, made through the services by the world's builder; rolled back after."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = _build(world)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def _build(world) -> dict[str, list[int]]:
    builder = User.objects.select_related("org").get(username="builder")
    orgs, petitions = world.orgs, world.petitions
    leader = world.users[role_user_key("county", Role.LEADER)]
    field = DisputeField.objects.order_by("pk").first()
    built: dict[str, list[int]] = {"backlog": [], "dispute": [], "reception": [], "incident": [], "referral": [],
                                   "litigation": []}
    for unit, keys in RECORDS:
        numbers = tuple(petitions[key].number for key in keys)
        place = orgs[unit if unit.startswith("township") else "township_b"]  # a dispute's 属地 is a township
        for key in keys:  # a 积案 per petition: the case names its petition
            case = case_create(actor=builder, data=CaseInput(
                summary=f"积案{unit}{key}", source="screened", assigned_on=date(2026, 6, 1),
                responsible_org_id=orgs[unit].pk, leader_id=leader.pk, due_on=date(2026, 12, 31),
                petition_id=petitions[key].pk))
            built["backlog"].append(case.pk)
            referral = referral_create(actor=builder, data=ReferralInput(
                summary=f"访调{unit}{key}", path="peoples_mediation", receiving_body="区人民调解委员会",
                responsible_org_id=orgs[unit].pk, referred_on=date(2026, 6, 5), petition_number=petitions[key].number))
            built["referral"].append(referral.pk)
        dispute = dispute_create(actor=builder, data=DisputeInput(
            source="grid", field_id=field.pk, summary=f"纠纷{unit}", parties="甲乙双方", person_times=3,
            amount=Decimal("1.50"), locality_id=place.pk, risk_level="medium", responsible_org_id=orgs[unit].pk,
            responsible_person="王某", found_on=date(2026, 6, 2), deadline=date(2026, 7, 2), petition_numbers=numbers))
        built["dispute"].append(dispute.pk)
        reception = reception_create(actor=builder, data=ReceptionInput(
            leader_id=leader.pk, received_on=date(2026, 6, 3), place=f"{orgs[unit].name}接访室", kind="day",
            batches=1, person_times=2, summary=f"接访{unit}", petition_numbers=numbers))
        built["reception"].append(reception.pk)
        incident = incident_create(actor=builder, data=IncidentInput(
            occurred_on=date(2026, 6, 4), place="信访接待大厅", kind="trouble_at_reception", description=f"事件{unit}",
            locality_id=place.pk, persons=[PersonInput(name="张某")], petition_numbers=list(numbers)))
        built["incident"].append(incident.pk)
        litigation = litigation_create(actor=builder, data=LitigationInput(
            title=f"诉讼{unit}", guided_on=date(2026, 6, 6), court="清溪区人民法院", responsible_org_id=orgs[unit].pk,
            case_count=len(keys), person_times=len(keys), petition_numbers=numbers))
        built["litigation"].append(litigation.pk)
    supervisor = world.user(role_user_key("county_office", Role.SUPERVISOR))
    built["supervision"] = [
        supervision_issue(actor=supervisor, data=SupervisionInput(
            kind="phone", petition_id=petitions[key].pk, subject=f"督办{key}")).pk
        for key in ("G_A", "G_B", "ACC_T", "ACC_D")]
    report = report_generate(actor=builder, kind="annual", office=orgs["county_office"], start=date(2026, 1, 1),
                             end=date(2026, 12, 31))
    built["report"] = [report.pk]
    return built


def _paths(ledgers) -> list[tuple[str, str]]:
    """(ledger, url) of every read path: lists, exports, details, figures and drill-downs."""
    paths = [("backlog", "/prevention/backlog/"), ("backlog", "/prevention/backlog/export.xlsx"),
             ("dispute", "/prevention/disputes/"), ("dispute", "/prevention/disputes/export.xlsx"),
             ("reception", "/receptions/"), ("reception", "/receptions/export.xlsx"),
             ("referral", "/prevention/referrals/"), ("referral", "/prevention/referrals/export.xlsx"),
             ("litigation", "/prevention/litigations/"), ("litigation", "/prevention/litigations/export.xlsx"),
             ("incident", "/order/"), ("incident", "/order/export/"),
             ("figures", "/prevention/?start={start}&end={end}".format(**PERIOD)),
             ("figures", "/receptions/figures/?start={start}&end={end}".format(**PERIOD)),
             ("supervision", "/supervision/records/"), ("supervision", "/supervision/inbox/"),
             ("supervision", "/supervision/rankings/"), ("supervision", "/supervision/rankings.xlsx"),
             ("publicity", "/publicity/"), ("publicity", "/publicity/activities/export/"),
             ("publicity", "/publicity/trainings/"), ("publicity", "/publicity/trainings/export/"),
             ("publicity", "/publicity/exams/"), ("publicity", "/publicity/exams/export/"),
             ("publicity", "/publicity/stock/"),
             ("report", "/reports/")]
    paths += [("backlog", f"/prevention/backlog/{pk}/") for pk in ledgers["backlog"]]
    paths += [("dispute", f"/prevention/disputes/{pk}/") for pk in ledgers["dispute"]]
    paths += [("reception", f"/receptions/{pk}/") for pk in ledgers["reception"]]
    paths += [("incident", f"/order/{pk}/") for pk in ledgers["incident"]]
    paths += [("referral", f"/prevention/referrals/{pk}/") for pk in ledgers["referral"]]
    paths += [("litigation", f"/prevention/litigations/{pk}/") for pk in ledgers["litigation"]]
    paths += [("supervision", f"/supervision/records/supervision/{pk}/") for pk in ledgers["supervision"]]
    paths += [("supervision", f"/supervision/records/supervision/{pk}/letter.docx") for pk in ledgers["supervision"]]
    paths += [("report", f"/reports/{pk}/") for pk in ledgers["report"]]
    paths += [("report", f"/reports/{pk}/check/") for pk in ledgers["report"]]
    for section, keys in (("prevention", ("backlog_cases", "prevention_disputes", "referral_count", "litigation_count")),
                          ("receptions", ("receptions_petitions", "receptions_petitions_finished"))):
        paths += [("drilldown", f"/{section}/indicators/{key}/?start={PERIOD['start']}&end={PERIOD['end']}")
                  for key in keys]
    return paths


@pytest.mark.parametrize("reader", LEDGER_READERS)
def test_no_ledger_path_shows_a_petition_the_reader_may_not_see(world, ledgers, reader):
    user = world.user(reader)
    client = web_client(world, reader)
    for ledger, url in _paths(ledgers):
        body = read(client.get(url))
        assert body.status in (200, 302, 403, 404), f"{url}: {reader} got {body.status}"
        if ledger == "incident" and not order_permissions.can_read(user):
            assert body.status in (302, 403, 404), f"{url}: {reader} may not read 违法信访行为"
            assert "事件township" not in body.text
        assert_no_leak(world, user, body, f"{url}")


def test_the_linked_petitions_do_show_to_who_may_see_them(world, ledgers):
    """The other half: the office that registered them sees every linked number (the matrix could fail)."""
    client = web_client(world, "r-county_office")
    seen = ""
    for ledger, url in _paths(ledgers):
        if ledger in ("backlog", "dispute", "reception", "referral", "litigation", "supervision") and url.rstrip("/").split("/")[-1].isdigit():
            body = read(client.get(url))
            assert body.status == 200, url
            seen += body.text
    for _unit, keys in RECORDS:
        for key in keys:
            assert world.petitions[key].number in seen, key


def test_a_unit_sees_its_own_records_but_not_the_accusation_against_it(world, ledgers):
    client = web_client(world, "r-township_a")
    accusation = world.petitions["ACC_T"].number
    own_case = ledgers["backlog"][0]  # 积案 of 青石镇 about the accusation against 青石镇
    body = read(client.get(f"/prevention/backlog/{own_case}/"))
    assert body.status == 200 and "积案township_aACC_T" in body.text
    assert accusation not in body.text
    body = read(client.get(f"/prevention/disputes/{ledgers['dispute'][0]}/"))
    assert body.status == 200 and world.petitions["G_A"].number in body.text and accusation not in body.text


# The portal's pages (its 接访安排 are on channels/: what is published, nothing more).
PUBLIC_PATHS = ("/portal/", "/portal/guide/", "/portal/channels/", "/portal/roadmap/", "/portal/query/")


def test_the_public_pages_name_no_petition_and_no_ledger_record(world, ledgers):
    """The portal, opened by anyone: none of the world's matters or ledger records."""
    from django.test import Client

    nobody = world.user(role_user_key("county_office", Role.ADMINISTRATOR))  # sees no petition at all
    for url in PUBLIC_PATHS:
        body = read(Client().get(url))
        assert body.status == 200, url
        assert_no_leak(world, nobody, body, url)
        assert "事件township" not in body.text and "积案township" not in body.text, url
