"""Downloading a notice from the case page: scope, the audit event, the file name, PDF when possible."""

import io
import os
import stat
from urllib.parse import quote

import pytest
from docx import Document

from xinfang.audit.models import AuditEvent
from xinfang.notices import documents
from xinfang.notices.documents import docx_to_pdf, render_notice_pdf
from xinfang.workflow.models import Notice

pytestmark = pytest.mark.django_db


def url(petition, notice, fmt):
    return f"/petitions/{petition.pk}/notices/{notice.pk}/{fmt}/"


@pytest.fixture
def decision(decided) -> Notice:
    return Notice.objects.get(petition=decided, kind=Notice.Kind.DECISION)


@pytest.fixture
def no_libreoffice(monkeypatch):
    monkeypatch.setattr(documents, "soffice_binary", lambda: None)


def fake_soffice(tmp_path, monkeypatch, script: str) -> None:
    """A stand-in `soffice` (a shell script) so the conversion's plumbing is tested without LibreOffice."""
    binary = tmp_path / "soffice"
    binary.write_text("#!/bin/sh\n" + script)
    binary.chmod(binary.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(documents, "soffice_binary", lambda: str(binary))


def test_the_clerk_downloads_the_decision_letter_and_the_download_is_audited(client, decided, decision, district):
    client.force_login(district.clerk)
    response = client.get(url(decided, decision, "docx"))
    assert response.status_code == 200
    assert response["Content-Type"] == documents.DOCX_CONTENT_TYPE
    filename = f"信访处理意见书-{decision.number}.docx"
    assert f"filename*=utf-8''{quote(filename)}" in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment")
    body = b"".join(response.streaming_content)
    text = "\n".join(p.text for p in Document(io.BytesIO(body)).paragraphs)
    assert decision.number in text and "部分支持" in text
    event = AuditEvent.objects.get(action="notice.download")
    assert (event.actor_id, event.target_type, event.target_id) == (
        district.clerk.pk, "workflow.notice", str(decision.pk))
    assert event.data == {"notice": decision.number, "format": "docx", "kind": "decision", "petition": decided.number}


def test_a_township_outside_the_scope_gets_404_and_nothing_is_logged(client, decided, decision, district):
    client.force_login(district.township_b_user)
    assert client.get(url(decided, decision, "docx")).status_code == 404
    assert not AuditEvent.objects.filter(action="notice.download").exists()


def test_unknown_formats_and_notices_of_other_petitions_are_404(client, decided, decision, district, registered):
    client.force_login(district.clerk)
    assert client.get(url(decided, decision, "odt")).status_code == 404
    assert client.get(f"/petitions/{decided.pk}/notices/999999/docx/").status_code == 404
    other = Notice.objects.exclude(petition=decided).first()
    assert other is None or client.get(url(decided, other, "docx")).status_code == 404
    assert not AuditEvent.objects.filter(action="notice.download").exists()


def test_the_case_page_offers_pdf_only_with_libreoffice(client, decided, decision, district, monkeypatch):
    client.force_login(district.clerk)
    monkeypatch.setattr(documents, "soffice_binary", lambda: None)
    page = client.get(f"/petitions/{decided.pk}/").content.decode()
    assert url(decided, decision, "docx") in page
    assert url(decided, decision, "pdf") not in page
    monkeypatch.setattr(documents, "soffice_binary", lambda: "/usr/bin/soffice")
    page = client.get(f"/petitions/{decided.pk}/").content.decode()
    assert url(decided, decision, "pdf") in page


def test_without_libreoffice_a_pdf_request_returns_to_the_case_page(client, decided, decision, district,
                                                                  no_libreoffice):
    client.force_login(district.clerk)
    assert render_notice_pdf(notice=decision) is None
    response = client.get(url(decided, decision, "pdf"), follow=True)
    assert response.redirect_chain[-1][0] == f"/petitions/{decided.pk}/"
    assert "暂时无法生成PDF" in response.content.decode()
    assert not AuditEvent.objects.filter(action="notice.download").exists()  # nothing left the system


def test_a_broken_office_template_is_shown_as_a_message(client, decided, decision, district, settings, tmp_path):
    (tmp_path / "decision.docx").write_bytes(b"not a zip")
    settings.XINFANG_NOTICE_TEMPLATE_DIR = str(tmp_path)
    client.force_login(district.clerk)
    response = client.get(url(decided, decision, "docx"), follow=True)
    assert "decision.docx" in response.content.decode() and "文书模板" in response.content.decode()


def test_the_conversion_runs_soffice_headless_into_a_temporary_folder(tmp_path, monkeypatch):
    # Writes <outdir>/<name>.pdf like LibreOffice; the arguments are what the real one needs.
    fake_soffice(tmp_path, monkeypatch, f"""
echo "$@" > {tmp_path}/args
while [ $# -gt 1 ]; do [ "$1" = --outdir ] && out="$2"; shift; done
printf '%%PDF-1.7 fake' > "$out/$(basename "$1" .docx).pdf"
""")
    assert docx_to_pdf(docx=b"docx bytes") == b"%PDF-1.7 fake"
    args = (tmp_path / "args").read_text()
    assert "--headless" in args and "--convert-to pdf" in args and "-env:UserInstallation=file://" in args


def test_a_failing_or_hanging_conversion_gives_none(tmp_path, monkeypatch):
    fake_soffice(tmp_path, monkeypatch, "echo broken >&2; exit 1\n")
    assert docx_to_pdf(docx=b"x") is None
    fake_soffice(tmp_path, monkeypatch, "exit 0\n")  # "succeeds" without writing a PDF
    assert docx_to_pdf(docx=b"x") is None
    fake_soffice(tmp_path, monkeypatch, "sleep 30\n")
    assert docx_to_pdf(docx=b"x", timeout=0.5) is None


def test_the_word_file_and_the_pdf_are_rendered_from_the_same_document(decision, tmp_path, monkeypatch):
    # The PDF is a conversion of exactly the .docx the user would get.
    seen = {}
    monkeypatch.setattr(documents, "soffice_binary", lambda: "soffice")
    monkeypatch.setattr(documents, "docx_to_pdf", lambda *, docx: seen.setdefault("docx", docx) and b"%PDF")
    assert render_notice_pdf(notice=decision) == b"%PDF"
    assert seen["docx"][:2] == b"PK"  # a zip: the .docx itself


@pytest.mark.skipif(os.name != "posix", reason="the stand-in soffice is a shell script")
def test_pdf_download_with_a_working_converter_is_audited(client, decided, decision, district, tmp_path,
                                                         monkeypatch):
    fake_soffice(tmp_path, monkeypatch, """
while [ $# -gt 1 ]; do [ "$1" = --outdir ] && out="$2"; shift; done
printf '%%PDF-1.7 fake' > "$out/$(basename "$1" .docx).pdf"
""")
    client.force_login(district.clerk)
    response = client.get(url(decided, decision, "pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.7 fake"
    assert AuditEvent.objects.get(action="notice.download").data["format"] == "pdf"
