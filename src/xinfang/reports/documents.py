"""A report as a Word document (the shipped template or the office's), PDF through LibreOffice, Excel tables."""

import zipfile
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from docx.opc.exceptions import PackageNotFoundError
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from xinfang.notices.documents import DOCX_CONTENT_TYPE, docx_to_pdf, pdf_available
from xinfang.reports import wording
from xinfang.reports.charts import render_png
from xinfang.reports.models import Report
from xinfang.reports.selectors import report_sections

SHIPPED = Path(__file__).resolve().parent / "templates_docx" / "report.docx"
__all__ = ["DOCX_CONTENT_TYPE", "XLSX_CONTENT_TYPE"]
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHART_WIDTH_MM = 150  # within the 156 mm text block of GB/T 9704 (210 − 28 − 26)


class ReportTemplateError(Exception):
    pass


def template_path() -> Path:
    """The office's template (XINFANG_REPORT_TEMPLATE_DIR/report.docx) if it has one, else the shipped one."""
    folder = getattr(settings, "XINFANG_REPORT_TEMPLATE_DIR", "")
    if folder:
        candidate = Path(folder).expanduser() / "report.docx"
        if candidate.is_file():
            return candidate
    return SHIPPED


def report_context(report: Report, document: DocxTemplate | None = None) -> dict:
    """The template's variables; with the document, each section's charts as images (`s.charts`: image, title)."""
    sections = [{"heading": item.draft.section.heading, "level": item.draft.section.level,
                 "paragraphs": item.paragraphs,
                 "charts": [{"title": chart.title, "image": InlineImage(document, BytesIO(render_png(chart)),
                                                                       width=Mm(CHART_WIDTH_MM))}
                            for chart in item.draft.charts] if document is not None else []}
                for item in report_sections(report)]
    # A heading whose section has nothing to say yet still stands: the genre's structure is fixed.
    return {"title": report.title, "office": report.office.name, "sections": sections,
            "date": wording.chinese_date(timezone.localtime(report.generated_at).date()),
            "period": wording.period_label(report.start, report.end)}


def render_docx(report: Report) -> bytes:
    path = template_path()
    document = DocxTemplate(path)
    try:
        document.render(report_context(report, document), jinja_env=SandboxedEnvironment(), autoescape=True)
    except TemplateError as error:
        raise ReportTemplateError(f"报告模板 {path.name} 的标签有误：{error}") from error
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError) as error:
        raise ReportTemplateError(f"报告模板 {path.name} 不是有效的 Word（.docx）文件") from error
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_pdf(report: Report) -> bytes | None:
    """PDF, or None when LibreOffice is not installed or the conversion fails."""
    return docx_to_pdf(docx=render_docx(report)) if pdf_available() else None


def render_xlsx(report: Report) -> bytes:
    """The figures table: every figure the report cites, with 同比/环比, definition, period rule and drill-down."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "数据表"
    sheet.append([report.title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([f"统计期间：{wording.chinese_date(report.start)}至{wording.chinese_date(report.end)}"])
    headings = ["章节", "指标", "数值", "单位", "上年同期", "同比", "环比", "定义", "计入期间", "明细链接"]
    sheet.append(headings)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for item in report_sections(report):
        for key in item.draft.keys:
            figure = report.figures[key]
            points = figure["kind"] == "rate"
            sheet.append([item.draft.section.heading or "开头", figure["name"], wording.number(figure["value"]),
                          figure["unit"], wording.number(figure["last_year"]),
                          wording.change_phrase(figure["yoy"], points=points),
                          wording.change_phrase(figure["mom"], prefix="环比", points=points),
                          figure["definition"], figure["period_rule"], figure["url"]])
    for column, width in zip("ABCDEFGHIJ", (24, 22, 10, 6, 10, 18, 18, 50, 40, 40)):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_filename(report: Report, fmt: str) -> str:
    return f"{report.title}.{fmt}"
