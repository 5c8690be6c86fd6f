"""Background import jobs: the upload queues a job, the page polls its progress (htmx), then shows the report."""

import json
import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.web.test_import_page import accepted, admin, exported_record  # noqa: F401 — fixtures
from xinfang.exchange.jobs import _write_progress
from xinfang.exchange.importer import ImportReport
from xinfang.exchange.models import ImportedRecord, ImportJob
from xinfang.petitions.models import Petition

URL = "/exchange/import/"


def upload(records: list[dict], name: str = "cases.jsonl") -> SimpleUploadedFile:
    text = "".join(json.dumps(record, ensure_ascii=False, default=str) + "\n" for record in records)
    return SimpleUploadedFile(name, text.encode("utf-8"))


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


@pytest.mark.django_db
def test_a_running_job_shows_rows_done_of_total_and_polls_itself(client, admin, data_dir):  # noqa: F811
    job = ImportJob.objects.create(created_by=admin, mode="good_rows", file_name="big.jsonl", file_sha256="0" * 64,
                                   status=ImportJob.Status.RUNNING, total_rows=200)
    report = ImportReport(mode="good_rows", created=47)
    report.errors = []
    _write_progress(job.pk, done=50, report=report)
    client.force_login(admin)

    page = client.get(f"{URL}jobs/{job.pk}/").content.decode()
    assert "正在导入" in page and 'hx-trigger="every 1s"' in page
    assert "已处理 50 / 共 200 行（25%）" in page and "新建 47" in page and 'value="25"' in page

    partial = client.get(f"{URL}jobs/{job.pk}/progress/", HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "HX-Refresh" not in partial
    assert 'id="import-progress"' in partial.content.decode()

    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.DONE, created=198, failed=2,
                                               errors=[[7, "问题属地", "未知的机构代码：999999"]])
    done = client.get(f"{URL}jobs/{job.pk}/progress/", HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"  # htmx reloads the page, which is now the report
    report_page = client.get(f"{URL}jobs/{job.pk}/").content.decode()
    assert "导入结果" in report_page and "第7行" in report_page and "hx-trigger" not in report_page
    assert "big.jsonl" in client.get(URL).content.decode()  # the past jobs on the form page


@pytest.mark.django_db(transaction=True)
def test_the_thread_runs_the_job_and_the_page_polls_to_the_report(client, settings, admin, accepted, data_dir):  # noqa: F811
    settings.XINFANG_IMPORT_JOBS = "thread"
    client.force_login(admin)
    response = client.post(URL, {"mode": "all_or_nothing", "file": upload([{"type": "meta"}, exported_record()])})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{URL}jobs/{job.pk}/"

    deadline = time.monotonic() + 60
    while True:  # what the page's htmx does, once a second
        poll = client.get(f"{URL}jobs/{job.pk}/progress/", HTTP_HX_REQUEST="true")
        if poll.get("HX-Refresh") == "true":
            break
        assert time.monotonic() < deadline, "the import job did not finish"
        time.sleep(0.2)
    job.refresh_from_db()
    assert (job.status, job.created, job.failed, job.total_rows) == ("done", 1, 0, 2)
    assert job.stored_path == "" and not list((data_dir / "imports").iterdir())  # file and progress removed
    page = client.get(f"{URL}jobs/{job.pk}/").content.decode()
    assert "已写入：新建 1 件" in page
    assert ImportedRecord.objects.count() == 1 and Petition.objects.count() == 2


@pytest.mark.django_db
def test_a_job_silent_for_fifteen_minutes_is_shown_as_interrupted(client, admin, data_dir):  # noqa: F811
    job = ImportJob.objects.create(created_by=admin, mode="all_or_nothing", file_name="old.csv", file_sha256="0" * 64,
                                   status=ImportJob.Status.RUNNING, total_rows=10)
    client.force_login(admin)
    assert "可能已中断" not in client.get(f"{URL}jobs/{job.pk}/").content.decode()
    ImportJob.objects.filter(pk=job.pk).update(started_at=timezone.now() - timedelta(minutes=16))
    assert "可能已中断" in client.get(f"{URL}jobs/{job.pk}/").content.decode()
