"""The shipped Word template is laid out per GB/T 9704; an office's own template replaces it; a broken one is
refused with a Chinese message."""

import io
import shutil
from datetime import date

import pytest
from docx import Document
from docx.shared import Pt

from xinfang.reports.documents import SHIPPED, ReportTemplateError, render_docx
from xinfang.reports.services import report_generate

pytestmark = pytest.mark.django_db


def test_shipped_template_layout():
    document = Document(SHIPPED)
    section = document.sections[0]
    assert (round(section.top_margin.mm), round(section.bottom_margin.mm), round(section.left_margin.mm),
            round(section.right_margin.mm)) == (37, 35, 28, 26)
    title = document.paragraphs[0]
    assert title.text == "{{ title }}" and title.runs[0].font.size == Pt(22)  # 二号
    body = next(paragraph for paragraph in document.paragraphs if paragraph.text == "{{ text }}")
    assert body.runs[0].font.size == Pt(16)  # 三号
    fonts = body.runs[0]._element.rPr.rFonts.attrib
    assert "仿宋_GB2312" in fonts.values()
    assert "PAGE" in section.footer._element.xml
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert texts[texts.index("{%p for c in s.charts %}") + 1] == "{{ c.image }}"  # each section's charts


def test_office_template_and_broken_template(year, district, settings, tmp_path):
    report = report_generate(actor=None, kind="annual", office=district.office, start=date(2025, 1, 1),
                             end=date(2025, 12, 31))
    own = tmp_path / "report.docx"
    template = Document(SHIPPED)
    template.paragraphs[0].runs[0].text = "{{ title }}（送审稿）"
    template.save(own)
    settings.XINFANG_REPORT_TEMPLATE_DIR = str(tmp_path)
    rendered = Document(io.BytesIO(render_docx(report)))
    assert rendered.paragraphs[0].text == "清溪区信访办关于2025年法治政府建设情况的报告（送审稿）"
    assert rendered.paragraphs[-1].text.endswith("日") and rendered.paragraphs[-2].text == "清溪区信访办"
    shutil.copy(SHIPPED, own)
    own.write_bytes(b"not a docx")
    with pytest.raises(ReportTemplateError, match="不是有效的 Word"):
        render_docx(report)
