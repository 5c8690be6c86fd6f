"""A history step naming a person (指定承办人): exported by username, name and org code, imported as this
system's user when he has an account here, else kept by name; a bad reference is a precise row error."""

import json
from datetime import date

import pytest
from django.core.management import call_command

from tests.conftest import act
from tests.exchange.conftest import empty_database
from tests.exchange.test_bulk import everything
from xinfang.exchange.format import org_codes
from xinfang.exchange.importer import IMPORTED_EVENT, import_file
from xinfang.exchange.models import ImportedRecord
from xinfang.orgs.models import Org, User
from xinfang.petitions.models import Petition, PetitionStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned(fresh_rows, registered, district, actors):
    """Forwarded, accepted, assigned by the head to the township's handler, replied and delivered."""
    act(registered, "forward", actors.reviewer, on=date(2026, 3, 3), handling_org=district.township_a.pk)
    act(registered, "accept", actors.handler, on=date(2026, 3, 5))
    act(registered, "assign_handler", actors.head, on=date(2026, 3, 6), assignee=actors.handler.pk, reason="首办")
    act(registered, "reply", actors.head, on=date(2026, 4, 20), outcome="partly_supported", facts="f",
        decision="d", legal_basis="b")
    act(registered, "deliver", actors.handler, on=date(2026, 4, 22), delivery_method="in_person")
    return registered


def export_full(path):
    call_command("export", "--out", str(path), "--full", "--unmask", "--reason", "迁移到新系统")
    return path


def petition_line(path) -> tuple[int, dict]:
    """(line number, record) of the file's one petition."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next((n, json.loads(line)) for n, line in enumerate(lines, start=1)
                if json.loads(line).get("type") == "petition")


def assign_step(record: dict) -> tuple[int, dict]:
    return next((k, step) for k, step in enumerate(record["history"], start=1) if step["action"] == "assign_handler")


def rewrite(path, record: dict) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    number, _ = petition_line(path)
    lines[number - 1] = json.dumps(record, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def import_into_empty(fresh_rows, path, engine: str):
    empty_database(fresh_rows)
    admin = User.objects.create_superuser(username="admin", password="pw-admin-123")
    return import_file(path=path, actor=admin, engine=engine)


def test_the_export_names_the_assignee_by_username_name_and_org_code(assigned, district, tmp_path):
    _, record = petition_line(export_full(tmp_path / "full.jsonl"))

    code = org_codes(orgs=Org.objects.all())[district.township_a.pk]
    assert assign_step(record)[1]["values"] == {
        "assignee": {"username": "qingshi", "name": "qingshi", "org": code}, "reason": "首办"}


@pytest.mark.parametrize("engine", ["services", "bulk"])
def test_into_an_empty_database_the_matter_keeps_its_history_and_the_assignees_name(
        assigned, fresh_rows, tmp_path, engine):
    path = export_full(tmp_path / "full.jsonl")
    kinds = list(assigned.events.order_by("id").values_list("kind", flat=True))
    _, record = petition_line(path)
    code = assign_step(record)[1]["values"]["assignee"]["org"]

    report = import_into_empty(fresh_rows, path, engine)

    assert (report.created, report.errors) == (1, [])
    petition = Petition.objects.get()
    assert petition.status == PetitionStatus.DELIVERED
    assert petition.assignee is None  # he has no account here
    events = petition.events.exclude(kind=IMPORTED_EVENT).order_by("id")
    assert [event.kind for event in events] == kinds
    step = events.get(kind="assign_handler")
    assert step.data["values"] == {"assignee": {"name": "qingshi", "username": "qingshi", "org": code,
                                                "in_system": False}, "reason": "首办"}
    assert (step.data["acted_on"], step.note, step.actor_org.name) == ("2026-03-06", "首办", "青石镇")


def test_both_engines_record_the_named_assignee_alike_and_export_him_again_the_same(assigned, fresh_rows, tmp_path):
    path = export_full(tmp_path / "full.jsonl")
    import_into_empty(fresh_rows, path, "services")
    by_services = everything()
    import_into_empty(fresh_rows, path, "bulk")
    by_bulk = everything()

    assert by_bulk == by_services
    again = export_full(tmp_path / "again.jsonl")
    assert assign_step(petition_line(again)[1])[1]["values"] == assign_step(petition_line(path)[1])[1]["values"]


@pytest.mark.parametrize("engine", ["services", "bulk"])
def test_an_assignee_with_an_account_here_is_that_user(assigned, actors, tmp_path, engine):
    # Back into the same database under another source: the handler (username and org) exists here.
    path = export_full(tmp_path / "full.jsonl")
    _, record = petition_line(path)
    rewrite(path, {**record, "source_system": "old-system", "number": ""})
    admin = User.objects.create_superuser(username="admin", password="pw-admin-123")

    report = import_file(path=path, actor=admin, engine=engine)

    assert (report.created, report.errors) == (1, [])
    imported = ImportedRecord.objects.get(source_system="old-system").petition
    assert imported.assignee == actors.handler
    assert imported.events.get(kind="assign_handler").data["values"]["assignee"] == {
        "id": actors.handler.pk, "name": "qingshi"}


BAD = [
    (7, "承办人：不能用另一系统的内部编号（7）指明人员"),
    ("12", "承办人：不能用另一系统的内部编号（12）指明人员"),
    ({"username": "qingshi", "name": "王五", "org": "999999/无此单位"}, "承办人：人员所在的机构代码未知：999999/无此单位"),
    ({"username": "", "name": ""}, "承办人：应写明人员的姓名或用户名"),
    (["王五"], "assignee应为文字、数字或日期，不能是列表或对象"),  # limits.py, before either engine
]


@pytest.mark.parametrize("engine", ["services", "bulk"])
@pytest.mark.parametrize(("value", "message"), BAD)
def test_a_bad_assignee_reference_is_a_precise_row_error_and_changes_nothing(
        assigned, fresh_rows, tmp_path, engine, value, message):
    path = export_full(tmp_path / "full.jsonl")
    line, record = petition_line(path)
    k, step = assign_step(record)
    step["values"]["assignee"] = value
    rewrite(path, record)

    report = import_into_empty(fresh_rows, path, engine)

    (error,) = report.errors
    assert (error.row, error.column) == (line, "历史(JSON)")
    assert error.message.startswith(f"第{k}步（assign_handler）：{message}")
    assert report.rolled_back
    assert (Petition.objects.count(), ImportedRecord.objects.count(), Org.objects.count()) == (
        0, 0, len(fresh_rows[Org]))  # the file's orgs were rolled back with the rest


@pytest.mark.parametrize("engine", ["services", "bulk"])
def test_an_org_code_written_as_the_assignee_by_an_older_export_is_refused_by_name(
        assigned, fresh_rows, district, tmp_path, engine):
    path = export_full(tmp_path / "full.jsonl")
    _, record = petition_line(path)
    k, step = assign_step(record)
    code = org_codes(orgs=Org.objects.all())[district.office.pk]
    step["values"]["assignee"] = code
    rewrite(path, record)

    report = import_into_empty(fresh_rows, path, engine)

    assert [error.message for error in report.errors] == [
        f"第{k}步（assign_handler）：承办人：“{code}”是机构代码，不是人员；请用新版本重新导出，"
        "或写为 {\"username\", \"name\", \"org\"}"]
    assert Petition.objects.count() == 0
