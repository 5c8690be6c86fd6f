"""The PDF through LibreOffice: page 1 rendered to test-artifacts/report-annual-page1.png and checked not blank;
the Chinese text set in a CJK face (no boxes)."""

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from xinfang.notices.documents import pdf_available
from xinfang.reports.documents import render_pdf
from xinfang.reports.services import narrative_save, report_generate

pytestmark = [pytest.mark.django_db, pytest.mark.skipif(
    not pdf_available() or not shutil.which("pdftoppm"), reason="needs LibreOffice and poppler-utils")]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _dark_share(pgm: bytes) -> float:
    """The share of dark pixels of a binary PGM (P5) page."""
    parts = pgm.split(maxsplit=4)
    assert parts[0] == b"P5"
    width, height = int(parts[1]), int(parts[2])
    pixels = parts[4][:width * height]
    return sum(1 for value in pixels if value < 128) / (width * height)


def test_pdf_page_one_looks_like_a_document(year, district, tmp_path):
    from xinfang.orgs.models import Role
    from xinfang.orgs.services import user_create

    statistician = user_create(username="pdf-stat", password="pw-123456", org=district.office,
                               roles=[Role.STATISTICIAN])
    report = report_generate(actor=statistician, kind="annual", office=district.office, start=date(2025, 1, 1),
                             end=date(2025, 12, 31))
    narrative_save(actor=statistician, report=report, section="opening",
                   text="2025年，区信访办坚持以习近平新时代中国特色社会主义思想为指导，深入贯彻《信访工作条例》。")
    pdf = render_pdf(report)
    assert pdf is not None and pdf.startswith(b"%PDF")
    source = tmp_path / "report.pdf"
    source.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(source)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts  # the Chinese text is set in a Chinese face (fonts-noto-cjk), not boxes
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "60", "-png", "-singlefile", str(source),
                    str(ARTIFACTS / "report-annual-page1")], check=True)
    assert (ARTIFACTS / "report-annual-page1.png").stat().st_size > 5000
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "30", "-gray", "-singlefile", str(source),
                    str(tmp_path / "page")], check=True)
    share = _dark_share((tmp_path / "page.pgm").read_bytes())
    assert 0.01 < share < 0.5, share  # text on a white page: neither blank nor a black box
    pages = subprocess.run(["pdfinfo", str(source)], capture_output=True, text=True, check=True).stdout
    assert "Pages:" in pages
    text = subprocess.run(["pdftotext", "-layout", str(source), "-"], capture_output=True, text=True, check=True).stdout
    compact = "".join(text.split())
    assert "法治政府建设情况的报告" in compact and "—1—" in compact and "一、主要做法和成效" in compact
