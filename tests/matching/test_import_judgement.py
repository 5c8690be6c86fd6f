"""The import's 初件/重件 and 越级 use the registration's judgement (issue 17; docs/IMPORT.md "初件/重件 and 越级").

Registration never links a repeat by itself (the clerk confirms the hint), so an import that brings no
重复信访关联编号 proposes: the petition stays a 初件 (statistics unchanged) until a clerk confirms or dismisses.
"""

import io
import json

import pytest
from django.core.management import call_command
from django.db import transaction

from tests.conftest import ID_LI, ID_WANG, ID_ZHANG
from tests.matching.conftest import register, when
from xinfang.audit.models import AuditEvent
from xinfang.exchange.export import export_queryset, petition_records
from xinfang.exchange.importer import import_records
from xinfang.exchange.models import ImportedRecord, RepeatProposal
from xinfang.exchange.review import proposal_confirm, proposal_dismiss, proposals_pending
from xinfang.matching.judgement import SAME_MATTER_LEVEL
from xinfang.matching.models import SkipLevelMark
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import PetitionFilters
from xinfang.petitions.services import PetitionerInput

ENGINES = ["services", "bulk"]
SEEDS_FIRST = ("来电人张建国反映：2024年4月从鸿运农资店购买玉米种子，种了8亩，大部分不发芽，店主李某不认账，"
               "减产损失约1.2万元，希望督促店家赔偿。")
# The same matter told again months later by letter, in other words: few characters in common.
SEEDS_AGAIN = ("尊敬的领导：我是青石镇石桥村村民张建国。去年四月在镇上的鸿运农资店买的种子是假的，八亩玉米苗出不来，"
               "损失一万二千元左右。要求鸿运农资店赔偿减产损失。")
# The same person, another matter.
WAGES = ("张建国来访称：宏达建筑劳务有限公司在锦绣花园二期工地拖欠其工资3.5万元，包工头王某一直推脱。"
         "要求支付拖欠工资。")
ZHANG = PetitionerInput(name="张建国", id_number=ID_ZHANG, phone="13812345678", address="清溪区青石镇石桥村2组")


@pytest.fixture
def admin(db):
    return user_create(username="admin", password="pw-123456", org=None, roles=[], is_superuser=True)


@pytest.fixture
def template(district, category):
    """An exported record to build rows from (of another person: only its codes are used)."""
    register(district, category, person=PetitionerInput(name="王五", id_number=ID_WANG, phone="13700002222"))
    (record,) = petition_records(queryset=export_queryset(user=None, filters=PetitionFilters()), unmask=True)
    return record


def row(template, external: str, text: str, received, *, person=ZHANG, **overrides) -> dict:
    record = {**template, "source_system": "旧系统", "external_id": external, "number": "", "summary": text[:60],
              "content": text, "demands": "", "received_at": received.isoformat(), "history": [], "status": "",
              "outcome": "", "repeat_of": "", "is_skip_level": None, "evaluations": [], "notices": [],
              "petitioners": [{"kind": "person", "name": person.name, "id_number": person.id_number,
                               "phone": person.phone, "address": person.address, "is_representative": False}]}
    record.update(overrides)
    return record


def by_external() -> dict[str, Petition]:
    return {r.external_id: r.petition for r in ImportedRecord.objects.select_related("petition")}


def file_of(template):
    return [row(template, "S-1", SEEDS_FIRST, when(6, 3, 2024)),
            row(template, "S-2", SEEDS_AGAIN, when(2, 10, 2025)),  # the paraphrase, no 重复信访关联编号
            row(template, "W-1", WAGES, when(3, 1, 2025))]  # the same person, another matter


@pytest.mark.parametrize("engine", ENGINES)
def test_a_paraphrase_in_the_file_is_proposed_as_a_repeat_of_the_earlier_row_and_another_matter_is_not(
        template, admin, engine):
    report = import_records(records=file_of(template), actor=admin, engine=engine)
    assert report.errors == [] and report.created == 3
    rows = by_external()
    # Nothing linked: statistics count first_petition, which only a clerk's confirmation sets.
    assert all(petition.first_petition_id is None for petition in rows.values())
    (proposal,) = RepeatProposal.objects.all()
    assert (proposal.petition, proposal.first_petition, proposal.candidate) == (rows["S-2"], rows["S-1"], rows["S-1"])
    assert proposal.matter_score >= SAME_MATTER_LEVEL and proposal.status == RepeatProposal.Status.PENDING
    assert proposal.reasons.startswith("同一信访人（同一身份证号）；都反映：鸿运农资店")
    assert "相隔252天" in proposal.reasons
    # The report says so, with the reasons in words, by row.
    (line,) = report.proposals
    assert line[0] == 2 and "疑似重件（待确认）" in line[1] and rows["S-1"].number in line[1]
    assert "都反映：鸿运农资店" in line[1]
    assert report.repeats_given == 0


@pytest.mark.parametrize("engine", ENGINES)
def test_a_paraphrase_of_a_petition_already_in_the_database_is_proposed(district, category, template, admin, engine):
    live = register(district, category, person=ZHANG, summary="反映鸿运农资店假种子", content=SEEDS_FIRST,
                    demands="", received_at=when(6, 3, 2024))
    other = register(district, category, person=PetitionerInput(name="李四", id_number=ID_LI, phone="13900001111"),
                     summary="反映鸿运农资店假种子", content=SEEDS_FIRST, demands="", received_at=when(6, 4, 2024))
    import_records(records=[row(template, "S-2", SEEDS_AGAIN, when(2, 10, 2025))], actor=admin, engine=engine)
    (proposal,) = RepeatProposal.objects.all()
    # Another person telling the same matter is not this petitioner's repeat (a 涉众 candidate at most).
    assert proposal.first_petition == live and proposal.candidate != other


@pytest.mark.parametrize("engine", ENGINES)
def test_a_row_with_repeat_of_keeps_the_source_systems_decision_and_is_not_judged(template, admin, engine):
    records = file_of(template)
    records[2]["repeat_of"] = "S-1"  # the source system says the wages letter repeats the seeds matter
    report = import_records(records=records, actor=admin, engine=engine)
    rows = by_external()
    assert rows["W-1"].first_petition == rows["S-1"]
    assert not RepeatProposal.objects.filter(petition=rows["W-1"]).exists()
    assert "重件（来源系统认定），初件为" in rows["W-1"].events.get(kind="imported").note
    assert report.repeats_given == 1 and len(report.proposals) == 1


def test_confirming_links_through_repeat_link_and_dismissing_changes_nothing(template, admin, district):
    import_records(records=file_of(template), actor=admin, engine="bulk")
    rows = by_external()
    proposal = RepeatProposal.objects.get()
    assert list(proposals_pending(actor=district.clerk)) == [proposal]
    with transaction.atomic():
        dismissed = proposal_dismiss(actor=district.clerk, proposal_id=proposal.pk, reason="所述不是同一事项")
        assert dismissed.status == RepeatProposal.Status.DISMISSED
        assert Petition.objects.get(pk=rows["S-2"].pk).first_petition_id is None
        assert AuditEvent.objects.filter(action="exchange.repeat_proposal_dismiss").count() == 1
        assert list(proposals_pending(actor=district.clerk)) == []
        transaction.set_rollback(True)
    petition = proposal_confirm(actor=district.clerk, proposal_id=proposal.pk)
    assert petition.first_petition_id == rows["S-1"].pk
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == (RepeatProposal.Status.CONFIRMED, district.clerk)
    assert rows["S-2"].events.get(kind="repeat_link").note == "导入后复核：确认为重复信访"
    with pytest.raises(RepeatProposal.DoesNotExist):  # decided once
        proposal_confirm(actor=district.clerk, proposal_id=proposal.pk)


def test_a_user_without_the_linking_role_cannot_confirm(template, admin, district):
    import_records(records=file_of(template), actor=admin, engine="bulk")
    handler = user_create(username="only-handler", password="pw-123456", org=district.office,
                          roles=[Role.HANDLING_ORG_HEAD])
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        proposal_confirm(actor=handler, proposal_id=RepeatProposal.objects.get().pk)


@pytest.mark.parametrize("engine", ENGINES)
def test_skip_level_of_a_silent_row_is_decided_by_the_rule_and_the_proposal_says_what_confirming_changes(
        district, category, city, template, admin, engine):
    county = register(district, category, person=ZHANG, summary="反映鸿运农资店假种子", content=SEEDS_FIRST,
                      demands="", received_at=when(6, 3, 2024))
    city_row = row(template, "C-1", SEEDS_AGAIN, when(2, 10, 2025), registering_org=_code(city.office))
    explicit = row(template, "C-2", WAGES, when(3, 1, 2025), registering_org=_code(city.office), is_skip_level="否")
    report = import_records(records=[city_row, explicit], actor=admin, engine=engine)
    assert report.errors == []
    rows = by_external()
    assert (rows["C-1"].is_skip_level, rows["C-2"].is_skip_level) == (True, False)
    mark = SkipLevelMark.objects.get(petition=rows["C-1"])
    ((number, line),) = report.skip_level_decided
    assert number == 1 and mark.reason in line and rows["C-1"].number in line
    proposal = RepeatProposal.objects.get(petition=rows["C-1"])
    assert proposal.first_petition == county
    assert proposal.skip_level_note == f"确认后不属越级：该事项已向{district.county.name}及以下机关提出（{county.number}）"
    # Confirmed: 越级 is decided again on the matter the judgement found (repeat_link does).
    city.clerk.roles.create(role=Role.REVIEWER)
    reviewer = type(city.clerk).objects.get(pk=city.clerk.pk)
    proposal_confirm(actor=reviewer, proposal_id=proposal.pk)
    rows["C-1"].refresh_from_db()
    assert rows["C-1"].is_skip_level is False


def _code(org) -> str:
    from xinfang.exchange.format import org_codes
    from xinfang.orgs.models import Org

    return org_codes(orgs=list(Org.objects.all()))[org.pk]


def _outcome(records, admin, engine) -> tuple:
    """What one engine makes of `records`, rolled back after."""
    with transaction.atomic():
        report = import_records(records=json.loads(json.dumps(records)), actor=admin, engine=engine)
        rows = {pk: external for external, pk in
                ImportedRecord.objects.values_list("external_id", "petition_id")}
        proposals = sorted((rows[p.petition_id], rows.get(p.first_petition_id), p.matter_score, p.reasons,
                            p.skip_level_note) for p in RepeatProposal.objects.all())
        skip = sorted((rows[pk], value) for pk, value in
                      Petition.objects.filter(pk__in=rows).values_list("pk", "is_skip_level"))
        transaction.set_rollback(True)
    lines = [(row, text.split(" ", 1)[1]) for row, text in report.proposals]  # without the number given here
    return proposals, skip, lines, report.repeats_given, len(report.skip_level_decided)


def test_both_engines_agree(district, category, city, template, admin):
    register(district, category, person=ZHANG, summary="反映鸿运农资店假种子", content=SEEDS_FIRST, demands="",
             received_at=when(6, 3, 2024))
    records = file_of(template) + [
        row(template, "C-1", SEEDS_AGAIN, when(4, 10, 2025), registering_org=_code(city.office)),
        row(template, "C-2", SEEDS_AGAIN, when(4, 11, 2025), registering_org=_code(city.office), is_skip_level="是"),
        # Earlier in the file but received later than the row after it: neither engine takes the later row.
        row(template, "L-2", WAGES + "至今仍未解决。", when(9, 1, 2025)),
        row(template, "L-1", WAGES, when(8, 1, 2025), repeat_of="W-1")]
    services, bulk = _outcome(records, admin, "services"), _outcome(records, admin, "bulk")
    assert services == bulk
    proposals = services[0]
    # S-1 retells the live petition registered before; L-1 brings its 初件; W-1 is another matter.
    assert {p[0] for p in proposals} == {"S-1", "S-2", "C-1", "C-2", "L-2"}
    assert [p[4] for p in proposals if p[0] == "C-2"] == [""]  # the file's 越级: no assessment to compare


def test_dry_run_reports_the_judgement_and_writes_nothing(template, admin, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in file_of(template)), encoding="utf-8")
    before = (Petition.objects.count(), AuditEvent.objects.count())
    out = io.StringIO()
    call_command("import", str(path), "--user", admin.username, "--dry-run", stdout=out)
    text = out.getvalue()
    assert "新增 3 件" in text and "疑似重件待确认 1 件" in text and "仅检查" in text
    assert "第2行 " in text and "都反映：鸿运农资店" in text
    assert (Petition.objects.count(), AuditEvent.objects.count()) == before
    assert not RepeatProposal.objects.exists()
    # The real run reports the same.
    out = io.StringIO()
    call_command("import", str(path), "--user", admin.username, stdout=out)
    assert "疑似重件待确认 1 件" in out.getvalue() and RepeatProposal.objects.count() == 1


def test_the_review_command_lists_with_reasons_and_confirms(template, admin, district):
    import_records(records=file_of(template), actor=admin, engine="bulk")
    proposal = RepeatProposal.objects.get()
    out = io.StringIO()
    call_command("import_review", "list", "--user", district.clerk.username, stdout=out)
    assert "待确认的疑似重复信访 1 件" in out.getvalue() and f"[{proposal.pk}]" in out.getvalue()
    assert "同一信访人（同一身份证号）；都反映：鸿运农资店" in out.getvalue()
    out = io.StringIO()
    call_command("import_review", "confirm", str(proposal.pk), "--user", district.clerk.username, stdout=out)
    assert "已确认" in out.getvalue()
    assert Petition.objects.get(pk=proposal.petition_id).first_petition_id == proposal.first_petition_id


def test_the_upload_pages_dry_run_job_says_what_the_judgement_found(template, admin, tmp_path, settings):
    from xinfang.exchange.jobs import import_job_submit

    settings.XINFANG_IMPORT_JOBS = "inline"
    settings.DATA_DIR = tmp_path / "data"
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in file_of(template)), encoding="utf-8")
    job = import_job_submit(actor=admin, path=path, file_name="in.jsonl", mode="all_or_nothing", dry_run=True)
    assert job.created == 3 and "疑似重件待确认 1 件" in job.message and "都反映：鸿运农资店" in job.message
    assert not RepeatProposal.objects.exists() and not ImportedRecord.objects.exists()
