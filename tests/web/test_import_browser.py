"""In a real browser: an upload runs in the background thread and the progress bar reaches the report."""

import json

import pytest
from playwright.sync_api import expect

from tests.conftest import petition_input
from tests.web.conftest import artifact_path, chromium_page
from xinfang.exchange.export import export_queryset, petition_records
from xinfang.exchange.models import ImportJob
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import PetitionFilters
from xinfang.petitions.services import petition_register

ROWS = 400  # a few seconds of work: long enough to watch the bar move (it is written every 25 rows)


@pytest.mark.browser
def test_the_progress_bar_runs_to_the_report(live_server, settings, tmp_path, district, reference_data):
    settings.XINFANG_IMPORT_JOBS = "thread"
    settings.DATA_DIR = tmp_path / "data"
    petition_register(data=petition_input(locality=district.township_a, category=reference_data),
                      actor=district.clerk)
    user_create(username="import-admin", password="pw-admin-123", org=None, roles=[Role.ADMINISTRATOR],
                is_superuser=True)
    (record,) = petition_records(queryset=export_queryset(user=None, filters=PetitionFilters()), unmask=True)
    path = tmp_path / "cases.jsonl"
    with open(path, "w", encoding="utf-8") as out:
        out.write('{"type": "meta", "format_version": 1}\n')
        for number in range(ROWS):
            out.write(json.dumps({**record, "source_system": "old-system", "external_id": f"OLD-{number:04d}"},
                                 ensure_ascii=False, default=str) + "\n")

    with chromium_page(base_url=live_server.url, failure_name="import-failure") as page:
        page.goto("/login/")
        page.get_by_label("用户名").fill("import-admin")
        page.get_by_label("密码").fill("pw-admin-123")
        page.get_by_role("button", name="登录").click()
        page.goto("/exchange/import/")
        page.locator("#import-file").set_input_files(str(path))
        page.get_by_role("button", name="开始").click()

        expect(page.get_by_role("heading", name="正在导入")).to_be_visible()
        expect(page.locator("#import-progress-text")).to_contain_text(f"/ 共 {ROWS + 1} 行")
        # the bar moves while the page polls (htmx replaces it every second)
        expect(page.locator("#import-progress-text")).not_to_contain_text("已处理 0 /", timeout=60_000)
        page.screenshot(path=artifact_path("import-progress"), full_page=True)

        expect(page.get_by_role("heading", name="导入结果")).to_be_visible(timeout=180_000)
        expect(page.locator("#import-outcome")).to_contain_text(f"已写入：新建 {ROWS} 件")
        expect(page.locator("#import-counts")).to_contain_text(str(ROWS))
        page.screenshot(path=artifact_path("import-report"), full_page=True)
        page.goto("/exchange/import/")
        expect(page.locator("#import-jobs")).to_contain_text("cases.jsonl")

    job = ImportJob.objects.get()
    assert (job.status, job.created, job.failed, job.total_rows) == ("done", ROWS, 0, ROWS + 1)
    assert Petition.objects.count() == ROWS + 1
