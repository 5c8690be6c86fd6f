"""The real PDF conversion: LibreOffice turns a notice into a PDF whose Chinese text reads back as text.

scripts/setup.sh --with-test-deps installs Debian's libreoffice-writer-nogui and poppler-utils (pdftotext), so
scripts/test.sh runs these. A developer machine without them skips with the reason; in CI (CI=true) a missing
LibreOffice or pdftotext fails the test instead, so the conversion can never silently go untested.
"""

import os
import shutil
import subprocess

import pytest

from tests.notices.conftest import FACTS
from xinfang.notices import documents
from xinfang.notices.documents import render_notice_pdf
from xinfang.workflow.models import Notice

pytestmark = pytest.mark.django_db


def require(binary: str | None, name: str) -> None:
    if binary is not None:
        return
    message = f"{name} is not installed: run scripts/setup.sh --with-test-deps (libreoffice-writer-nogui, poppler-utils)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def converter() -> None:
    require(documents.soffice_binary(), "LibreOffice (soffice)")
    require(shutil.which("pdftotext"), "pdftotext")


def pdf_text(pdf: bytes) -> str:
    """The PDF's text without white space (pdftotext breaks lines where the page does)."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()
    return "".join(text.split())


def test_the_decision_letter_converts_to_a_pdf_with_its_chinese_text(converter, decided):
    decision = Notice.objects.get(petition=decided, kind=Notice.Kind.DECISION)
    pdf = render_notice_pdf(notice=decision)
    assert pdf is not None and pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    # Chinese came through as text (a CJK font was found), not as empty boxes or nothing.
    assert "信访处理意见书" in text and "部分支持" in text
    assert decision.number in text
    assert "".join(FACTS.split()) in text
    assert "请求复查" in text


def test_the_case_page_serves_the_real_pdf(converter, client, decided, district):
    decision = Notice.objects.get(petition=decided, kind=Notice.Kind.DECISION)
    client.force_login(district.clerk)
    response = client.get(f"/petitions/{decided.pk}/notices/{decision.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert "信访处理意见书" in pdf_text(body)
