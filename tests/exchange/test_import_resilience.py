"""Import resilience: a killed import leaves nothing; rows with only step columns build their history."""

import copy
import csv
import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from xinfang.exchange.export import export_queryset, petition_records, write_csv
from xinfang.exchange.format import HEADERS
from xinfang.exchange.importer import import_file
from xinfang.exchange.models import ImportedRecord
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import PetitionFilters
from tests.conftest import own_sqlite_file

XINFANG = str(Path(sys.executable).with_name("xinfang"))


# --- a killed import ------------------------------------------------------------------------------


def run(env: dict[str, str], *args: str, timeout: float = 120) -> str:
    done = subprocess.run([XINFANG, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"xinfang {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def petition_count(env: dict[str, str]) -> int:
    out = run(env, "shell", "-c", "from xinfang.petitions.models import Petition; print(Petition.objects.count())")
    return int(out.strip().splitlines()[-1])


def imported_count(env: dict[str, str]) -> int:
    out = run(env, "shell", "-c", "from xinfang.exchange.models import ImportedRecord; "
                                  "print(ImportedRecord.objects.count())")
    return int(out.strip().splitlines()[-1])


def prepare_big_import(tmp_path: Path) -> tuple[dict[str, str], Path, int]:
    """A file-based database with 300 seeded petitions and a 1,500-row import file of them under new keys."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'kill.sqlite3'}",
           "XINFANG_DATA_DIR": str(tmp_path / "data"), "DJANGO_SETTINGS_MODULE": "xinfang.config.settings.local"}
    run(env, "migrate", "--verbosity", "0")
    # 300 petitions built through the seed (the demo district, its superuser `admin`), exported unmasked.
    run(env, "seed", "--petitions", "300", "--seed", "7")
    exported = tmp_path / "export.jsonl"
    run(env, "export", "--out", str(exported), "--format", "jsonl", "--unmask", "--reason", "测试：中断导入")
    records = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
    petitions = [record for record in records if record.get("type") == "petition"]
    assert len(petitions) == 300

    # Progress is written every 1,000 rows: five copies under new keys (1,500 rows) give a progress line
    # well before the end, and the kill comes right after it, with ~500 rows still to go.
    copies = 5
    path = tmp_path / "import.jsonl"
    with open(path, "w", encoding="utf-8") as out:
        for copy_number in range(copies):
            for record in petitions:
                out.write(json.dumps({**record, "source_system": "old-system",
                                      "external_id": f"{record['external_id']}-{copy_number}"},
                                     ensure_ascii=False) + "\n")
    return env, path, copies * len(petitions)


def kill_after_first_progress(env: dict[str, str], *args: str) -> subprocess.Popen:
    """Start `xinfang import …` and SIGKILL it right after its first progress line (1,000 rows)."""
    process = subprocess.Popen([XINFANG, "import", *args], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    process.killed_mid_import = False
    deadline = time.monotonic() + 120
    for line in process.stderr:  # blocks until a line (or EOF when the import ends)
        if "已处理" in line:
            process.send_signal(signal.SIGKILL)
            process.killed_mid_import = True
            break
        assert time.monotonic() < deadline, "no progress from the import"
    process.wait(timeout=30)
    process.stdout.close()
    process.stderr.close()
    return process


@pytest.mark.slow
@own_sqlite_file
def test_an_import_killed_half_way_leaves_the_database_as_before(tmp_path):
    env, path, rows = prepare_big_import(tmp_path)
    before = petition_count(env)
    process = kill_after_first_progress(env, str(path), "--user", "admin")

    after = petition_count(env)
    print(f"killed mid-import: {process.killed_mid_import}; petitions before {before}, after {after}, rows {rows}")
    # All or nothing, whatever the timing: never a part of the file.
    assert after in (before, before + rows), (before, after, rows)
    if process.killed_mid_import:
        assert process.returncode == -signal.SIGKILL
        assert after == before  # killed after 1,000 of 1,500 rows: the one transaction never committed
    assert imported_count(env) == (0 if after == before else rows)


@pytest.mark.slow
@own_sqlite_file
def test_a_good_rows_import_killed_half_way_keeps_the_finished_rows_and_resumes(tmp_path):
    env, path, rows = prepare_big_import(tmp_path)
    before = petition_count(env)
    process = kill_after_first_progress(env, str(path), "--user", "admin", "--mode", "good_rows")
    assert process.killed_mid_import and process.returncode == -signal.SIGKILL

    kept = petition_count(env) - before
    # Each row commits on its own: the 999 rows before the progress line at least, never the whole file;
    # every kept petition has its ImportedRecord (same transaction), so nothing is half imported.
    assert 999 <= kept < rows, kept
    assert imported_count(env) == kept

    # Running the same file again skips the kept rows and imports the rest.
    out = run(env, "import", str(path), "--user", "admin", "--mode", "good_rows")
    assert f"新增 {rows - kept} 件，跳过（已导入）{kept} 件，失败 0 行" in out
    assert petition_count(env) == before + rows and imported_count(env) == rows


# --- rows with step columns only (no 历史(JSON)) ---------------------------------------------------


def exported_record() -> dict:
    (record,) = petition_records(queryset=export_queryset(user=None, filters=PetitionFilters()), unmask=True)
    return {**record, "source_system": "old-system"}


def shape(petition: Petition) -> dict:
    return {
        "status": petition.status, "outcome": petition.outcome, "handling_org": petition.handling_org_id,
        "events": [event.kind for event in petition.events.exclude(kind="imported").order_by("id")],
        "clocks": sorted((clock.kind, clock.statutory_due, clock.stopped_on) for clock in petition.clocks.all()),
        "notices": sorted(notice.kind for notice in petition.notices.all()),
        "evaluations": [(e.rating, e.rated_by, e.rated_on) for e in petition.evaluations.all()],
    }


def csv_without_history(path: Path, records: list[dict], **cells: str) -> Path:
    """The CSV export of the records with 历史(JSON) emptied (and any other cells overridden)."""
    with open(path, "w", encoding="utf-8", newline="") as out:
        write_csv(records=records, out=out)
    with open(path, encoding="utf-8-sig", newline="") as stream:
        header, *rows = list(csv.reader(stream))
    for row in rows:
        row[header.index("历史(JSON)")] = ""
        for name, value in cells.items():
            row[header.index(name)] = value
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out).writerows([header, *rows])
    return path


@pytest.mark.django_db
def test_a_csv_row_with_only_step_columns_replays_the_same_procedure(delivered, importer, tmp_path):
    path = csv_without_history(tmp_path / "steps.csv", [exported_record()])
    report = import_file(path=path, actor=importer)
    assert (report.created, report.errors) == (1, [])
    imported = ImportedRecord.objects.get().petition
    assert shape(imported) == shape(delivered)
    assert imported.status == "delivered" and imported.outcome == "partly_supported"
    steps = [(event.kind, event.data.get("acted_on")) for event in imported.events.order_by("id")
             if event.kind not in ("registered", "imported")]
    assert steps == [("forward", "2026-03-03"), ("accept", "2026-03-05"), ("reply", "2026-04-20"),
                     ("deliver", "2026-04-22"), ("evaluate", "2026-04-25")]


@pytest.mark.django_db
def test_a_hand_made_xlsx_with_date_cells_and_an_extension(registered, district, importer, tmp_path):
    """Only the registration columns plus 转送日期, 受理日期 (Excel dates) and 延期天数: forward, accept, extend."""
    record = exported_record()
    record["history"] = []
    values = dict(zip(HEADERS, write_row(record), strict=True))
    values.update({"转送日期": datetime(2026, 3, 3), "受理日期": datetime(2026, 3, 5), "延期天数": 30,
                   "责任单位": "500199101", "状态": "办理中", "历史(JSON)": ""})
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(values))
    sheet.append(list(values.values()))
    workbook.save(tmp_path / "hand.xlsx")

    report = import_file(path=tmp_path / "hand.xlsx", actor=importer)
    assert (report.created, report.errors) == (1, [])
    imported = ImportedRecord.objects.get().petition
    assert imported.status == "accepted" and imported.handling_org == district.township_a
    events = [(event.kind, event.data.get("acted_on")) for event in imported.events.order_by("id")
              if event.kind not in ("registered", "imported")]
    assert events == [("forward", "2026-03-03"), ("accept", "2026-03-05"), ("extend", "2026-03-05")]
    extend = imported.events.get(kind="extend")
    assert extend.data["values"]["days"] == 30


def write_row(record: dict) -> list:
    from xinfang.exchange.format import record_to_row

    return record_to_row(record=record)


@pytest.mark.django_db
def test_step_column_errors_name_the_step_column(delivered, importer, tmp_path):
    record = exported_record()
    swapped = {**copy.deepcopy(record), "external_id": "SWAPPED"}
    lonely = {**copy.deepcopy(record), "external_id": "LONELY"}
    path = tmp_path / "bad.csv"
    with open(path, "w", encoding="utf-8", newline="") as out:
        write_csv(records=[swapped, lonely], out=out)
    with open(path, encoding="utf-8-sig", newline="") as stream:
        header, *rows = list(csv.reader(stream))
    for row in rows:
        row[header.index("历史(JSON)")] = ""
    rows[0][header.index("受理日期")] = "2026-03-01"  # before 转送日期: accepted before it was forwarded
    rows[1][header.index("送达日期")] = ""  # 送达方式 left without its date
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out).writerows([header, *rows])

    report = import_file(path=path, actor=importer, mode="good_rows")
    assert [(error.row, error.column) for error in report.errors] == [(2, "受理日期"), (3, "送达方式")]
    assert "第1步（accept）" in report.errors[0].message
    assert "日期列" in report.errors[1].message
    assert report.created == 0
