"""The bulk engine writes exactly what the services engine writes, and refuses exactly the same rows.

The services engine registers each row with `petition_register` and replays each step with `petition_act`;
the bulk engine checks rows in memory and writes them in batches (exchange.bulk, exchange.replay). Matters
taking every kind of step are exported, then imported into an empty database once by each engine, and
every row they make is compared: petitions, petitioners, parties, events with their data (clock snapshots
included), clocks, notices, evaluations, audit entries in chain order, numbers, identity keys and links.
"""

import json
from datetime import date, datetime

import pytest
from django.core.management import call_command
from django.db import IntegrityError
from django.db.models import Q
from django.utils import timezone

from tests.conftest import ID_ZHANG, act, petition_input
from tests.exchange.conftest import empty_database
from tests.exchange.test_import import exported, write_jsonl
from xinfang.audit.models import AuditEvent
from xinfang.audit.services import audit_verify
from xinfang.exchange import bulk
from xinfang.exchange.format import org_codes
from xinfang.exchange.importer import import_file
from xinfang.matching.models import IdentityKey, IdentityLink
from xinfang.orgs.models import Org, User
from xinfang.petitions.models import (
    NumberSequence,
    Petition,
    PetitionEvent,
    PetitionStatus,
    PetitionType,
    Petitioner,
)
from xinfang.petitions.services import PetitionerInput, petition_register
from xinfang.similarity.models import PetitionShingles
from xinfang.workflow.models import Clock

pytestmark = pytest.mark.django_db

OTHER_ID = "11010519491231002X"


def received(month: int, day: int) -> datetime:
    return timezone.make_aware(datetime(2026, month, day, 9, 30))


@pytest.fixture
def matters(fresh_rows, district, category, actors):
    """Matters through every kind of step, a repeat, a refusal of a final matter's repeat, shared petitioners."""
    def register(month, day, **overrides):
        petition, _ = petition_register(data=petition_input(
            locality=district.township_a, category=category, received_at=received(month, day), **overrides),
            actor=district.clerk)
        return petition

    final = register(3, 2)  # forward → accept → extend → reply → deliver → evaluate → close → review → re-review
    act(final, "forward", actors.reviewer, on=date(2026, 3, 3), handling_org=district.township_a.pk)
    act(final, "accept", actors.handler, on=date(2026, 3, 5))
    act(final, "extend", actors.head, on=date(2026, 4, 1), days=15, reason="需要补充调查")
    act(final, "reply", actors.head, on=date(2026, 4, 20), outcome="partly_supported", facts="f", decision="d",
        legal_basis="b")
    act(final, "deliver", actors.handler, on=date(2026, 4, 22), delivery_method="in_person")
    act(final, "evaluate", actors.clerk, on=date(2026, 4, 25), rating="mostly_satisfied", rated_by="petitioner")
    act(final, "close", actors.head, on=date(2026, 4, 25))
    act(final, "request_review", actors.county_head, on=date(2026, 5, 20), reviewing_org=district.county.pk)
    act(final, "decide_review", actors.county_head, on=date(2026, 6, 10), review_outcome="uphold", reasons="r")
    act(final, "request_re_review", actors.city_head, on=date(2026, 6, 20), reviewing_org=actors.city.pk)
    act(final, "re_review_hearing_start", actors.city_head, on=date(2026, 6, 25))
    act(final, "re_review_hearing_end", actors.city_head, on=date(2026, 7, 2))
    act(final, "decide_re_review", actors.city_head, on=date(2026, 7, 10), review_outcome="uphold", reasons="r")

    repeat = register(7, 20, summary="再次反映拖欠工资")  # a 重件 of the final matter, refused as such
    Petition.objects.filter(pk=repeat.pk).update(first_petition=final)
    act(repeat, "refuse_repeat", actors.reviewer, on=date(2026, 7, 21), same_matter_as=final.number)

    objected = register(4, 1, petitioners=[PetitionerInput(name="李四", id_number=OTHER_ID, phone="13900001111")])
    act(objected, "assign", actors.reviewer, on=date(2026, 4, 2), handling_org=district.township_a.pk, report_days=20)
    act(objected, "object", actors.handler, on=date(2026, 4, 3), reason="不属本单位职责")
    act(objected, "objection_refuse", actors.reviewer, on=date(2026, 4, 7), reason="属于本单位职责")
    act(objected, "accept", actors.handler, on=date(2026, 4, 8))
    act(objected, "fast_track", actors.head, on=date(2026, 4, 8))
    act(objected, "hearing_start", actors.head, on=date(2026, 4, 15))
    act(objected, "hearing_end", actors.head, on=date(2026, 4, 22))
    act(objected, "mediate", actors.head, on=date(2026, 5, 6), agreement="双方同意分期支付")
    act(objected, "deliver", actors.handler, on=date(2026, 5, 8), delivery_method="post")
    act(objected, "report_back", actors.head, on=date(2026, 5, 9), report="已调解")
    act(objected, "finalize", actors.reviewer, on=date(2026, 7, 1))

    returned = register(5, 4)  # the same petitioner as `final` (one petitioner row), a new phone
    returned_input = petition_input(locality=district.township_a, category=category, received_at=received(5, 5),
                                    petitioners=[PetitionerInput(name="张小三", id_number=ID_ZHANG,
                                                                 phone="13700000000", address="清溪区青石镇桃源村4组")])
    again, _ = petition_register(data=returned_input, actor=district.clerk)
    act(returned, "forward", actors.reviewer, on=date(2026, 5, 6), handling_org=district.township_a.pk)
    act(returned, "object", actors.handler, on=date(2026, 5, 7), reason="r")
    act(returned, "objection_agree", actors.reviewer, on=date(2026, 5, 8))
    act(returned, "redirect", actors.reviewer, on=date(2026, 5, 9), legal_pathway="admin_reconsideration")
    act(again, "reject", actors.reviewer, on=date(2026, 5, 6), rejection_reason="not_a_petition")

    accusation = register(6, 1, petition_type=PetitionType.ACCUSATION, complained_org_id=district.township_b.pk,
                          summary="检举某镇干部")
    act(accusation, "forward", actors.reviewer, on=date(2026, 6, 2), handling_org=district.township_a.pk)
    for day in range(1, 13):  # plain registered rows after them (numbers continue)
        register(8, day, summary=f"反映第{day}件事项")
    assert Petition.objects.get(pk=final.pk).status == PetitionStatus.FINAL
    assert Petition.objects.get(pk=objected.pk).status == PetitionStatus.FINAL
    return fresh_rows


def everything() -> dict:
    """Every row the import makes, ids replaced by what they stand for (numbers, codes, clock positions)."""
    codes = org_codes(orgs=Org.objects.all())
    number = dict(Petition.objects.values_list("pk", "number"))
    clocks = {clock.pk: (number[clock.petition_id], clock.kind, clock.started_on.isoformat())
              for clock in Clock.objects.all()}
    people = {p.pk: (p.kind, p.name, p.id_number) for p in Petitioner.objects.all()}

    def plain(value):
        """JSON data with org ids, clock ids and petition ids named."""
        if isinstance(value, dict):
            out = {key: plain(item) for key, item in value.items()}
            if "id" in out and "name" in out:  # an org as events and notices store it
                out["id"] = codes.get(value["id"])
            if "stopped_on" in out and "id" in out:  # a clock snapshot
                out["id"] = clocks.get(value["id"])
            for key in ("handling_org_id", "review_org_id", "re_review_org_id"):  # a petition snapshot
                if out.get(key):
                    out[key] = codes.get(value[key])
            return out
        if isinstance(value, list):
            return [plain(item) for item in value]
        return value

    def event_data(event):
        data = plain(event.data)
        if "clocks_started" in data:
            data["clocks_started"] = [clocks[pk] for pk in event.data["clocks_started"]]
        return data

    petitions = []
    for p in Petition.objects.order_by("number").prefetch_related("hot_topics"):
        petitions.append({
            "fields": {f.name: (codes.get(getattr(p, f.attname)) if f.is_relation and f.related_model is Org else
                                number.get(getattr(p, f.attname)) if f.name == "first_petition" else
                                getattr(p, f.attname))
                       for f in Petition._meta.concrete_fields
                       if f.name not in ("id", "created_at", "updated_at", "registered_by")},
            "hot_topics": sorted(t.code for t in p.hot_topics.all()),
            "parties": [(people[x.petitioner_id], x.position, x.is_representative) for x in p.parties.order_by("position")],
            "events": [(e.kind, e.title, e.actor.username if e.actor_id else None, codes.get(e.actor_org_id), e.note,
                        event_data(e)) for e in p.events.order_by("id")],
            "clocks": [(clocks[c.pk], codes[c.org_id], c.unit, c.length, c.extended_days, c.paused_days, c.paused_since,
                        c.statutory_due, c.target_due, c.provisional, c.explanation, c.stopped_on, c.voided)
                       for c in p.clocks.order_by("id")],
            "notices": [(n.kind, n.number, codes[n.issuing_org_id], n.issued_by.username, plain(n.content), n.voided)
                        for n in p.notices.order_by("id")],
            "evaluations": [(e.rating, e.rated_by, e.rated_on, e.comment, e.voided, e.entered_by.username)
                            for e in p.evaluations.order_by("id")],
        })
    audit = [(e.action, e.actor_label, number.get(int(e.target_id)) if e.target_type == "petitions.petition" else
              e.target_type, json.dumps(plain(e.data), sort_keys=True, ensure_ascii=False))
             for e in AuditEvent.objects.filter(Q(action__startswith="petition.") | Q(action="exchange.import_petition"))
             .order_by("id")]
    return {
        "petitions": petitions,
        "petitioners": sorted((p.kind, p.name, p.id_number, p.phone, p.address, p.id_number_index, p.phone_index,
                               p.name_index) for p in Petitioner.objects.all()),
        "audit": audit,
        "sequences": sorted((codes[s.org_id], s.year, s.last_value) for s in NumberSequence.objects.all()),
        "identity_keys": sorted((people[k.petitioner_id], k.kind, k.value) for k in IdentityKey.objects.all()),
        "identity_links": sorted((people[k.petitioner_a_id], people[k.petitioner_b_id], k.method, k.confidence,
                                  k.reason) for k in IdentityLink.objects.all()),
        "indexed": sorted(number[pk] for pk in PetitionShingles.objects.values_list("petition_id", flat=True)),
    }


def import_into_empty_database(fresh_rows, path, engine: str, mode: str = "all_or_nothing"):
    empty_database(fresh_rows)
    admin = User.objects.create_superuser(username="admin", password="pw-admin-123")
    return import_file(path=path, actor=admin, engine=engine, mode=mode)


def test_both_engines_write_the_same_rows(matters, tmp_path):
    path = tmp_path / "full.jsonl"
    call_command("export", "--out", str(path), "--full", "--unmask", "--reason", "迁移到新系统")

    report = import_into_empty_database(matters, path, "services")
    assert (report.created, report.errors) == (Petition.objects.count(), [])
    by_services = everything()
    report = import_into_empty_database(matters, path, "bulk")
    assert (report.created, report.errors) == (Petition.objects.count(), [])
    by_bulk = everything()

    assert len(by_bulk["petitions"]) == 18
    for old, new in zip(by_services["petitions"], by_bulk["petitions"], strict=True):
        for key in old:
            assert new[key] == old[key], f"{old['fields']['number']} {key}"
    for key in by_services:
        assert by_bulk[key] == by_services[key], key
    assert audit_verify()[1] is None
    assert len({row[0] for row in by_bulk["petitioners"] if row[2] == ID_ZHANG}) == 1  # one record for one person


def test_both_engines_refuse_the_same_rows_with_the_same_messages(matters, tmp_path):
    path = tmp_path / "full.jsonl"
    call_command("export", "--out", str(path), "--full", "--unmask", "--reason", "迁移到新系统")
    lines = path.read_text(encoding="utf-8").splitlines()
    petitions = [i for i, line in enumerate(lines) if json.loads(line).get("type") == "petition"]
    spoilt = []
    for n, index in enumerate(petitions[:6]):
        record = json.loads(lines[index])
        if n == 0:
            record["history"][3]["acted_on"] = "2026-02-30"  # a wrong date
        elif n == 1:
            record["history"] = list(reversed(record["history"]))  # steps out of order
        elif n == 2:
            record["locality"] = "NO-SUCH-ORG"
        elif n == 3:
            record["status"] = "final"  # not what the history gives
        elif n == 4:
            record["received_at"] = "2099-01-01T09:00:00+08:00"  # in the future
        else:
            record["external_id"] = ""
        lines[index] = json.dumps(record, ensure_ascii=False)
        spoilt.append(index + 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    reports = {}
    for engine in ("services", "bulk"):
        report = import_into_empty_database(matters, path, engine, mode="good_rows")
        reports[engine] = ([(e.row, e.column, e.message) for e in sorted(report.errors, key=lambda e: e.row)],
                           report.created, everything())
    assert reports["bulk"][0] == reports["services"][0]
    assert sorted({row for row, _, _ in reports["bulk"][0]}) == spoilt
    assert reports["bulk"][1] == reports["services"][1] == len(petitions) - len(spoilt)
    assert reports["bulk"][2] == reports["services"][2]


@pytest.mark.parametrize("engine", ["services", "bulk"])
def test_a_renumbered_matter_never_takes_another_petitions_notice_number(delivered, importer, tmp_path, engine):
    """Row 1 is renumbered here (its number is another office's form); row 2 keeps number …-000007.

    Row 1's file notices are …-000007-ZS1 etc.: taking them would leave row 2's own notices no number.
    """
    record = exported(source="old-system")
    number = record["number"]
    seventh = number[:-6] + "000007"
    renumbered = {**record, "external_id": "A", "number": "OTHER-2026-000001",
                  "history": [{**step, "notice": step["notice"].replace(number, seventh) if step.get("notice") else None}
                              for step in record["history"]]}
    kept = {**record, "external_id": "B", "number": seventh,
            "history": [{**step, "notice": step["notice"].replace(number, seventh) if step.get("notice") else None}
                        for step in record["history"]]}
    report = import_file(path=write_jsonl(tmp_path / "two.jsonl", [renumbered, kept]), actor=importer,
                         engine=engine)
    assert (report.created, report.errors) == (2, [])
    for petition in Petition.objects.exclude(pk=delivered.pk):
        assert all(notice.startswith(f"{petition.number}-") for notice in
                   petition.notices.values_list("number", flat=True)), petition.number
    assert Petition.objects.filter(number=seventh).get().notices.filter(number=f"{seventh}-ZS1").exists()


def test_a_batch_the_database_refuses_is_imported_row_by_row_by_the_services(matters, tmp_path, monkeypatch):
    path = tmp_path / "full.jsonl"
    call_command("export", "--out", str(path), "--full", "--unmask", "--reason", "迁移到新系统")
    import_into_empty_database(matters, path, "services")
    by_services = everything()

    real_insert = bulk.insert_rows
    refused = []

    def insert_refusing_once(model, objs):
        if model is PetitionEvent and not refused:
            refused.append(len(objs))
            raise IntegrityError("a constraint no check foresaw")
        real_insert(model, objs)

    monkeypatch.setattr(bulk, "insert_rows", insert_refusing_once)
    report = import_into_empty_database(matters, path, "bulk")
    assert refused and (report.created, report.errors) == (18, [])
    assert everything() == by_services
