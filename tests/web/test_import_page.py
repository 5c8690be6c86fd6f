"""The 导入 page (/exchange/import/): upload, content checks, dry run, report — through Django's test client."""

import copy
import io
import json
import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from tests.conftest import act
from xinfang.audit.models import AuditEvent
from xinfang.exchange.export import export_queryset, petition_records
from xinfang.exchange.models import ImportedRecord
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import PetitionFilters

pytestmark = pytest.mark.django_db

URL = "/exchange/import/"
TEMPLATE_URL = "/exchange/import/template.xlsx"


@pytest.fixture(autouse=True)
def inline_jobs(settings, tmp_path):
    """Import jobs run inside the request here (the thread is covered by the browser test)."""
    settings.XINFANG_IMPORT_JOBS = "inline"
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture
def admin(district):
    return user_create(username="import-admin", password="pw-123456", org=district.office,
                       roles=[Role.ADMINISTRATOR], is_superuser=True)


@pytest.fixture
def accepted(registered, district, actors):
    act(registered, "forward", actors.reviewer, on=date(2026, 3, 3), handling_org=district.township_a.pk)
    act(registered, "accept", actors.handler, on=date(2026, 3, 5))
    registered.refresh_from_db()
    return registered


def exported_record() -> dict:
    """The one petition, exported unmasked, under another source system so it imports as a new one here."""
    (record,) = petition_records(queryset=export_queryset(user=None, filters=PetitionFilters()), unmask=True)
    return {**record, "source_system": "old-system"}


def jsonl(records: list[dict], name: str = "cases.jsonl") -> SimpleUploadedFile:
    text = "".join(json.dumps(record, ensure_ascii=False, default=str) + "\n" for record in records)
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="application/octet-stream")


def counts(page: str) -> tuple[int, int, int]:
    """新建, 跳过（已导入）, 出错 from the counts line of the report."""
    match = re.search(r"新建 (\d+) · 跳过（已导入） (\d+) · 出错 (\d+)", page)
    assert match, page
    return tuple(int(group) for group in match.groups())


def test_the_page_is_404_for_a_clerk_and_open_to_a_superuser_with_an_org(client, district, admin):
    client.force_login(district.clerk)
    assert client.get(URL).status_code == 404
    assert client.get(TEMPLATE_URL).status_code == 404
    assert client.post(URL, {"mode": "all_or_nothing"}, follow=True).status_code == 404
    assert 'href="/exchange/import/"' not in client.get("/petitions/").content.decode()

    client.force_login(admin)
    response = client.get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in page and "csrfmiddlewaretoken" in page
    assert 'value="all_or_nothing" checked' in page and "只导入正确的行" in page and "仅检查，不导入" in page
    assert TEMPLATE_URL in page
    assert "<title>导入 · 法治信访</title>" in page and page.count('id="import-jobs"') <= 1
    assert 'href="/exchange/import/"' in client.get("/petitions/").content.decode()


def test_a_superuser_without_an_org_may_import(client, district):
    # As after `xinfang createsuperuser` on an empty database: the import acts for each record's office.
    root = user_create(username="root", password="pw-123456", org=None, roles=[], is_superuser=True)
    client.force_login(root)
    assert client.get(URL).status_code == 200


def test_the_upload_needs_the_csrf_token(district, admin, accepted):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(admin)
    response = strict.post(URL, {"mode": "all_or_nothing", "file": jsonl([exported_record()])})
    assert response.status_code == 403
    assert Petition.objects.count() == 1


def test_uploading_a_valid_jsonl_creates_the_petition(client, admin, accepted):
    record = exported_record()
    client.force_login(admin)
    response = client.post(URL, {"mode": "all_or_nothing", "file": jsonl([{"type": "meta"}, record])}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert counts(page) == (1, 0, 0)
    assert "已写入：新建 1 件" in page
    imported = ImportedRecord.objects.get(source_system="old-system", external_id=accepted.number).petition
    assert imported.registering_org == accepted.registering_org and imported.status == accepted.status
    case = client.get(f"/petitions/{imported.pk}/").content.decode()  # the 导入 event in the case history
    assert f"系统管理员import-admin代{accepted.registering_org.name}从“old-system”导入" in case
    audit = AuditEvent.objects.get(action="exchange.import")
    assert audit.data["channel"] == "web" and audit.data["file"] == "cases.jsonl"

    again = client.post(URL, {"mode": "all_or_nothing", "file": jsonl([record])}, follow=True).content.decode()
    assert counts(again) == (0, 1, 0)
    assert Petition.objects.count() == 2


def test_a_dry_run_shows_the_same_counts_and_writes_nothing(client, admin, accepted):
    client.force_login(admin)
    response = client.post(URL, {"mode": "good_rows", "dry_run": "1", "file": jsonl([exported_record()])}, follow=True)
    page = response.content.decode()
    assert counts(page) == (1, 0, 0)
    assert "仅检查，未写入任何数据" in page
    assert Petition.objects.count() == 1
    assert not ImportedRecord.objects.exists()
    assert not AuditEvent.objects.filter(action="exchange.import").exists()


def test_a_bad_row_in_all_or_nothing_mode_writes_nothing_and_is_reported(client, admin, accepted):
    good = exported_record()
    bad = {**copy.deepcopy(good), "external_id": "BAD-1", "locality": "999999"}
    client.force_login(admin)
    page = client.post(URL, {"mode": "all_or_nothing", "file": jsonl([good, bad])}, follow=True).content.decode()
    assert counts(page) == (0, 0, 1)
    assert "未写入任何数据" in page and "整个文件均未导入" in page
    errors = page[page.index('id="import-errors"'):]
    assert "第2行" in errors and "问题属地" in errors and "999999" in errors
    assert Petition.objects.count() == 1 and not ImportedRecord.objects.exists()

    kept = client.post(URL, {"mode": "good_rows", "file": jsonl([good, bad])}, follow=True).content.decode()
    assert counts(kept) == (1, 0, 1) and "已写入：新建 1 件" in kept
    assert Petition.objects.count() == 2


def test_an_exe_renamed_xlsx_is_refused_by_its_content(client, admin, accepted):
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 512
    client.force_login(admin)
    response = client.post(URL, {"mode": "good_rows", "file": SimpleUploadedFile("cases.xlsx", exe)}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "未导入任何数据" in page and "不是Excel（.xlsx）工作簿" in page
    assert Petition.objects.count() == 1
    assert not AuditEvent.objects.filter(action="exchange.import").exists()


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("cases.csv", "来源系统,外部编号\n".encode("gbk"), "不是UTF-8编码"),
    ("cases.jsonl", b"PK\x03\x04" + b"\x00" * 100, "不是文本文件"),
    ("cases.exe", b"MZ" + b"\x00" * 100, "不支持的文件类型"),
    ("cases.jsonl", b"", "是空文件"),
])
def test_other_bad_uploads_are_refused_with_a_chinese_reason(client, admin, accepted, name, data, reason):
    client.force_login(admin)
    page = client.post(URL, {"mode": "all_or_nothing", "file": SimpleUploadedFile(name, data)}, follow=True).content.decode()
    assert "未导入任何数据" in page and reason in page
    assert Petition.objects.count() == 1


def test_a_file_over_the_limit_is_refused(client, admin, accepted, monkeypatch):
    monkeypatch.setattr("xinfang.web.views.IMPORT_MAX_BYTES", 10)
    client.force_login(admin)
    page = client.post(URL, {"mode": "all_or_nothing", "file": jsonl([exported_record()])}, follow=True).content.decode()
    assert "超过上限" in page and Petition.objects.count() == 1


def test_the_template_download_is_an_xlsx_with_the_example_row(client, admin):
    client.force_login(admin)
    response = client.get(TEMPLATE_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    assert workbook.sheetnames[:2] == ["信访事项", "代码表"]
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "来源系统" and str(rows[1][0]).startswith("示例")

    # The template itself passes the content check and imports nothing (its example row is skipped).
    upload = SimpleUploadedFile("template.xlsx", data)
    page = client.post(URL, {"mode": "all_or_nothing", "file": upload}, follow=True).content.decode()
    assert counts(page) == (0, 0, 0)
