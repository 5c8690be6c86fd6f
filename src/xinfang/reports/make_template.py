"""Build the shipped Word template of the reports (templates_docx/report.docx), laid out per GB/T 9704.

    .venv/bin/python -m xinfang.reports.make_template

The .docx is committed so an office can copy it, restyle it in Word or WPS (fonts, margins, the 落款) and put it
in XINFANG_REPORT_TEMPLATE_DIR/report.docx (docs/REPORTS.md). Layout: A4, margins 37/35/28/26 mm, title 二号
方正小标宋简体, first-level headings 三号黑体, second-level 三号楷体, body 三号仿宋 with a two-character first-line
indent at a fixed 28.95 pt pitch (22 lines a page), page numbers "— 1 —" in 四号 at the foot, then the 落款 and
the date. Fonts are named as offices have them; a machine without them (LibreOffice with fonts-noto-cjk) falls
back to a Chinese face by the text's script, never to boxes.
"""

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

OUT = Path(__file__).resolve().parent / "templates_docx" / "report.docx"
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
LATIN_FONT = "Times New Roman"
TITLE_PT, BODY_PT, FOOTER_PT, LINE_PT = 22, 16, 14, 28.95
CAPTION_PT = 14  # 四号


def _fonts(run, font: str, size: float, *, bold: bool = False) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = LATIN_FONT
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    fonts.set(qn("w:eastAsia"), font)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)


def _paragraph(document, text: str, *, font: str = BODY_FONT, size: float = BODY_PT, align=None,
               indent: bool = False, bold: bool = False):
    paragraph = document.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PT)
    fmt.space_before = fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    if align is not None:
        paragraph.alignment = align
    _fonts(paragraph.add_run(text), font, size, bold=bold)
    return paragraph


def _page_number(section) -> None:
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fonts(footer.add_run("— "), LATIN_FONT, FOOTER_PT)
    run = footer.add_run()
    _fonts(run, LATIN_FONT, FOOTER_PT)
    for xml in ('<w:fldChar %s w:fldCharType="begin"/>', '<w:instrText %s xml:space="preserve"> PAGE </w:instrText>',
                '<w:fldChar %s w:fldCharType="end"/>'):
        run._element.append(parse_xml(xml % nsdecls("w")))
    _fonts(footer.add_run(" —"), LATIN_FONT, FOOTER_PT)


def build(out: Path = OUT) -> Path:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(20)
    _page_number(section)
    _paragraph(document, "{{ title }}", font=TITLE_FONT, size=TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, "")
    _paragraph(document, "{%p for s in sections %}")
    _paragraph(document, "{%p if s.level == 1 %}")
    _paragraph(document, "{{ s.heading }}", font=HEADING1_FONT, indent=True)
    _paragraph(document, "{%p elif s.level == 2 %}")
    _paragraph(document, "{{ s.heading }}", font=HEADING2_FONT, indent=True)
    _paragraph(document, "{%p endif %}")
    _paragraph(document, "{%p for text in s.paragraphs %}")
    _paragraph(document, "{{ text }}", indent=True)
    _paragraph(document, "{%p endfor %}")
    # The section's charts, each centred with its title below (an office's older template without this loop
    # simply has no charts).
    _paragraph(document, "{%p for c in s.charts %}")
    _paragraph(document, "{{ c.image }}", align=WD_ALIGN_PARAGRAPH.CENTER).paragraph_format.line_spacing_rule = (
        WD_LINE_SPACING.SINGLE)
    _paragraph(document, "图：{{ c.title }}", size=CAPTION_PT, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, "{%p endfor %}")
    _paragraph(document, "{%p endfor %}")
    _paragraph(document, "")
    _paragraph(document, "")
    signature = _paragraph(document, "{{ office }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    signature.paragraph_format.right_indent = Pt(BODY_PT * 4)
    dated = _paragraph(document, "{{ date }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    dated.paragraph_format.right_indent = Pt(BODY_PT * 4)
    out.parent.mkdir(parents=True, exist_ok=True)
    document.save(out)
    return out


if __name__ == "__main__":
    print(build())
