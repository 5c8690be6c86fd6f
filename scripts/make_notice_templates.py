#!/usr/bin/env python3
"""Generate the shipped Word templates of the notices (src/xinfang/notices/templates_docx/*.docx).

    .venv/bin/python scripts/make_notice_templates.py            write every template
    .venv/bin/python scripts/make_notice_templates.py --check    exit 1 if a committed file differs

The .docx files are committed so an office can copy one, edit it in Word or WPS and put it in
XINFANG_NOTICE_TEMPLATE_DIR (docs/NOTICES.md). They are generated here, with python-docx, so the wording
and the layout stay reviewable as text and can be regenerated. The tags ({{ petition_number }} …) are
docxtpl's Jinja tags; xinfang.notices.documents.notice_context fills them.

Layout after GB/T 9704 (党政机关公文格式): A4, margins 3.7/3.5/2.8/2.6 cm, 三号 (16 pt) body with a fixed
28 pt line pitch, 二号 (22 pt) bold title, page numbers "— 1 —". Fonts are named, never embedded: 宋体
(SimSun) for Chinese with a font-table entry (GB2312 charset, panose) that lets Word and WPS substitute
another Song face, and LibreOffice fall back to any installed CJK font; Times New Roman for digits and Latin.
"""

import argparse
import io
import sys
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt

OUT_DIR = Path(__file__).resolve().parents[1] / "src" / "xinfang" / "notices" / "templates_docx"

CJK_FONT = "SimSun"
CJK_FONT_ALT = "宋体"
LATIN_FONT = "Times New Roman"
BODY_PT = 16  # 三号
TITLE_PT = 22  # 二号
LINE_PT = 28  # fixed pitch: 22 lines a page, as GB/T 9704 asks
# A fixed timestamp inside the zip, so regenerating unchanged templates changes no byte.
ZIP_DATE = (2025, 1, 1, 0, 0, 0)

# SimSun as Word itself describes it; the GB2312 charset (86) and the panose let an editor without SimSun
# pick another Chinese Song face instead of a Latin one.
FONT_TABLE = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:fonts {nsdecls("w")}>
  <w:font w:name="{CJK_FONT}">
    <w:altName w:val="{CJK_FONT_ALT}"/>
    <w:panose1 w:val="02010600030101010101"/>
    <w:charset w:val="86"/>
    <w:family w:val="auto"/>
    <w:pitch w:val="variable"/>
    <w:sig w:usb0="00000003" w:usb1="288F0000" w:usb2="00000016" w:usb3="00000000" w:csb0="00040001" w:csb1="00000000"/>
  </w:font>
  <w:font w:name="{LATIN_FONT}">
    <w:panose1 w:val="02020603050405020304"/>
    <w:charset w:val="00"/>
    <w:family w:val="roman"/>
    <w:pitch w:val="variable"/>
    <w:sig w:usb0="E0002AFF" w:usb1="C0007841" w:usb2="00000009" w:usb3="00000000" w:csb0="000001FF" w:csb1="00000000"/>
  </w:font>
</w:fonts>"""


# --- the documents' text -----------------------------------------------------------------------
# Each paragraph is (style, text). Styles: title, number, voided, addressee, body, heading, closing,
# signature, blank, tag (a paragraph holding only a {%p … %} tag, removed when rendered).

@dataclass(frozen=True)
class Kind:
    title: str
    body: tuple[tuple[str, str], ...]
    # The last paragraph, kept on the page of the signature (a signature alone on a page is not done).
    closing: str = "特此告知。"


RECEIVED = "{{ you }}于{{ received_date }}{{ received_how }}的“{{ summary }}”信访事项（信访件编号：{{ petition_number }}）"

KINDS: dict[str, Kind] = {
    "acceptance": Kind("信访事项受理告知书", (
        ("body", RECEIVED + "，经审查，属于本机关职权范围。依据{{ article }}的规定，本机关决定予以受理。"),
        ("body", "本机关将依照《信访工作条例》第三十四条的规定，自受理之日起60日内办结，并出具书面处理意见；"
                 "情况复杂需要延长办理期限的，将书面告知{{ you }}延期理由。"),
    )),
    "rejection": Kind("信访事项不予受理告知书", (
        ("body", RECEIVED + "，经审查，{{ rejection_reason_label }}。依据{{ article }}的规定，本机关决定不予受理。"),
        ("tag", "{%p if reason %}"),
        ("body", "具体理由：{{ reason }}"),
        ("tag", "{%p endif %}"),
        ("tag", "{%p if rejection_reason == 'legal_procedure' %}"),
        ("body", "请{{ you }}依照有关法律、行政法规规定的程序，向有关机关提出。"),
        ("tag", "{%p endif %}"),
    )),
    "forwarding": Kind("信访事项转送告知书", (
        ("body", RECEIVED + "，依据{{ article }}“属地管理、分级负责，谁主管、谁负责”的原则，本机关已将该事项"
                 "{{ forward_verb }}{{ handling_org }}办理。"),
        ("body", "{{ handling_org }}将依照《信访工作条例》第二十三条的规定，自收到之日起15日内决定是否受理，"
                 "并书面告知{{ you }}。{{ you }}可以向该机关了解办理情况。"),
    )),
    "redirection": Kind("信访事项告知书", (
        ("body", RECEIVED + "，经审查，属于应当依法通过“{{ legal_pathway_label }}”解决的事项。依据{{ article }}"
                 "的规定，请{{ you }}依照有关法律、行政法规规定的程序，向{{ pathway_org }}提出。"),
        ("tag", "{%p if reason %}"),
        ("body", "{{ reason }}"),
        ("tag", "{%p endif %}"),
        ("body", "本机关不再按照信访程序办理该事项。"),
    )),
    "extension": Kind("信访事项延期办理告知书", (
        ("body", RECEIVED + "，{% if accepted_date %}本机关已于{{ accepted_date }}受理{% else %}本机关已依法受理"
                 "{% endif %}。因情况复杂，经本机关负责人批准，依据{{ article }}的规定，办理期限延长{{ days }}日。"),
        ("body", "延期理由：{{ reason }}"),
    )),
    "decision": Kind("信访处理意见书", (
        ("tag", "{%p if agreement %}"),
        ("body", RECEIVED + "，本机关已依法受理。经调解，双方当事人自愿达成协议。依据{{ article }}的规定，"
                 "现出具处理意见如下："),
        ("heading", "一、信访人请求"),
        ("body", "{{ demands }}"),
        ("heading", "二、调解协议"),
        ("body", "{{ agreement }}"),
        ("heading", "三、处理意见"),
        ("body", "处理结论：{{ outcome_label }}。请双方当事人按照协议履行。"),
        ("tag", "{%p else %}"),
        ("body", RECEIVED + "，本机关已依法受理。经调查核实，依据{{ article }}的规定，现出具处理意见如下："),
        ("heading", "一、信访人请求"),
        ("body", "{{ demands }}"),
        ("heading", "二、查明的事实和理由"),
        ("body", "{{ facts }}"),
        ("heading", "三、处理意见"),
        ("body", "处理结论：{{ outcome_label }}。"),
        ("body", "{{ decision }}"),
        ("heading", "四、法律法规依据"),
        ("body", "{{ legal_basis }}"),
        ("tag", "{%p endif %}"),
    ), closing="依据《信访工作条例》第三十五条的规定，如不服本处理意见，可以自收到本意见书之日起30日内"
               "向{{ review_org }}请求复查。"),
    "review": Kind("信访事项复查意见书", (
        ("body", "{{ you }}对{{ prior_org }}作出的信访处理意见{% if prior_number %}（{{ prior_number }}）{% endif %}"
                 "不服，{% if request_date %}于{{ request_date }}{% endif %}向本机关请求复查（信访件编号："
                 "{{ petition_number }}）。依据{{ article }}的规定，本机关对该信访事项进行了复查，现提出复查意见如下："),
        ("heading", "一、复查结论"),
        ("body", "{{ review_conclusion }}"),
        ("heading", "二、事实和理由"),
        ("body", "{{ reasons }}"),
    ), closing="依据《信访工作条例》第三十六条的规定，如不服本复查意见，可以自收到本意见书之日起30日内"
               "向{{ re_review_org }}请求复核。"),
    "re_review": Kind("信访事项复核意见书", (
        ("body", "{{ you }}对{{ prior_org }}作出的复查意见{% if prior_number %}（{{ prior_number }}）{% endif %}"
                 "不服，{% if request_date %}于{{ request_date }}{% endif %}向本机关请求复核（信访件编号："
                 "{{ petition_number }}）。依据{{ article }}的规定，本机关对该信访事项进行了复核，现提出复核意见如下："),
        ("heading", "一、复核结论"),
        ("body", "{{ review_conclusion }}"),
        ("heading", "二、事实和理由"),
        ("body", "{{ reasons }}"),
    ), closing="本复核意见为终结意见。依据《信访工作条例》第三十六条第三款的规定，{{ you }}对复核意见不服，"
               "仍以同一事实和理由提出投诉请求的，各级人民政府信访工作机构和其他行政机关不再受理。"),
    # A request not accepted (Arts 35, 36) is answered by the organ that received it, never as an opinion.
    "review_refusal": Kind("信访事项复查申请不予受理告知书", (
        ("body", "{{ you }}对{{ prior_org }}作出的信访处理意见{% if prior_number %}（{{ prior_number }}）{% endif %}"
                 "不服，向本机关提出的复查申请（信访件编号：{{ petition_number }}），经审查，"
                 "{{ review_refusal_reason_label }}。依据{{ article }}的规定，本机关决定不予受理。"),
        ("tag", "{%p if reason %}"),
        ("body", "具体理由：{{ reason }}"),
        ("tag", "{%p endif %}"),
        ("tag", "{%p if review_refusal_reason == 'wrong_organ' %}"),
        ("body", "依据《信访工作条例》第三十五条的规定，{{ you }}可以自收到书面答复之日起30日内，"
                 "向原办理机关的上一级机关{{ lawful_org }}请求复查。"),
        ("tag", "{%p endif %}"),
    )),
    "re_review_refusal": Kind("信访事项复核申请不予受理告知书", (
        ("body", "{{ you }}对{{ prior_org }}作出的复查意见{% if prior_number %}（{{ prior_number }}）{% endif %}"
                 "不服，向本机关提出的复核申请（信访件编号：{{ petition_number }}），经审查，"
                 "{{ review_refusal_reason_label }}。依据{{ article }}的规定，本机关决定不予受理。"),
        ("tag", "{%p if reason %}"),
        ("body", "具体理由：{{ reason }}"),
        ("tag", "{%p endif %}"),
        ("tag", "{%p if review_refusal_reason == 'wrong_organ' %}"),
        ("body", "依据《信访工作条例》第三十六条的规定，{{ you }}可以自收到复查意见之日起30日内，"
                 "向复查机关的上一级机关{{ lawful_org }}请求复核。"),
        ("tag", "{%p endif %}"),
    )),
    "no_longer_accepted": Kind("信访事项不再受理告知书", (
        ("body", RECEIVED + "，经审查，与已经复核终结的信访事项（信访件编号：{{ same_matter_as }}）属于同一事实和理由。"
                 "依据{{ article }}的规定，本机关不再受理。"),
    )),
}


# --- building a document ----------------------------------------------------------------------

def _set_fonts(rpr, *, size_pt: int | None = None, bold: bool = False) -> None:
    """Explicit fonts for every script (no theme fonts: the default theme's East Asian font is Japanese)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = parse_xml(f"<w:rFonts {nsdecls('w')}/>")
        rpr.insert(0, fonts)
    for attribute in list(fonts.attrib):
        del fonts.attrib[attribute]
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:cs"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), CJK_FONT)
    fonts.set(qn("w:hint"), "eastAsia")
    if bold:
        rpr.append(parse_xml(f"<w:b {nsdecls('w')}/>"))
        rpr.append(parse_xml(f"<w:bCs {nsdecls('w')}/>"))
    if size_pt:
        rpr.append(parse_xml(f'<w:sz {nsdecls("w")} w:val="{size_pt * 2}"/>'))
        rpr.append(parse_xml(f'<w:szCs {nsdecls("w")} w:val="{size_pt * 2}"/>'))


def _defaults(document) -> None:
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for child in list(rpr):
        rpr.remove(child)
    _set_fonts(rpr, size_pt=BODY_PT)
    # Chinese text: line breaking, punctuation and font fallback follow zh-CN.
    rpr.append(parse_xml(f'<w:lang {nsdecls("w")} w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'))
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    for child in list(ppr):
        ppr.remove(child)
    ppr.append(parse_xml(f'<w:spacing {nsdecls("w")} w:before="0" w:after="0" '
                         f'w:line="{LINE_PT * 20}" w:lineRule="exact"/>'))
    normal = document.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    _set_fonts(normal.element.get_or_add_rPr())
    settings = document.settings.element
    settings.find(qn("w:themeFontLang")).set(qn("w:eastAsia"), "zh-CN")
    preview = settings.find(qn("w:savePreviewPicture"))
    if preview is not None:
        settings.remove(preview)
    for part in document.part.package.iter_parts():
        if part.partname.endswith("fontTable.xml"):
            # A plain (blob) part in python-docx: replace its bytes.
            part._blob = FONT_TABLE.encode("utf-8")
    # python-docx's default template carries a thumbnail of an empty page.
    for rel_id, rel in list(document.part.package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            document.part.package.rels.pop(rel_id)


def _paragraph_style(document, name: str, style_id: str, *, size_pt: int = BODY_PT, bold: bool = False,
                     align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_line_chars: int = 0, right_chars: int = 0,
                     line_pt: float = LINE_PT, keep_with_next: bool = False):
    """A named paragraph style, so an office editing the template sees 文书正文, 文书标题 … in Word."""
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.style_id = style_id  # ASCII ids, as Word writes them; the Chinese name is what users see
    style.base_style = document.styles["Normal"]
    style.quick_style = True
    style.font.size = Pt(size_pt)
    style.font.bold = bold
    _set_fonts(style.element.get_or_add_rPr())
    fmt = style.paragraph_format
    fmt.alignment = align
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(line_pt)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.widow_control = True
    fmt.keep_with_next = keep_with_next
    ppr = style.element.get_or_add_pPr()
    if first_line_chars or right_chars:
        # Character units (Word, WPS) with the same distance in twips (LibreOffice reads only these).
        indent = parse_xml(f"<w:ind {nsdecls('w')}/>")
        if first_line_chars:
            indent.set(qn("w:firstLineChars"), str(first_line_chars * 100))
            indent.set(qn("w:firstLine"), str(first_line_chars * size_pt * 20))
        if right_chars:
            indent.set(qn("w:rightChars"), str(right_chars * 100))
            indent.set(qn("w:right"), str(right_chars * size_pt * 20))
        ppr.append(indent)
    return style


def _styles(document) -> dict[str, object]:
    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    return {
        "title": _paragraph_style(document, "文书标题", "XfTitle", size_pt=TITLE_PT, bold=True, align=center, line_pt=36,
                                  keep_with_next=True),
        "number": _paragraph_style(document, "文书文号", "XfNumber", align=right, keep_with_next=True),
        "voided": _paragraph_style(document, "文书作废标注", "XfVoided", bold=True, align=center),
        "addressee": _paragraph_style(document, "文书称谓", "XfAddressee", align=WD_ALIGN_PARAGRAPH.LEFT),
        "body": _paragraph_style(document, "文书正文", "XfBody", first_line_chars=2),
        "heading": _paragraph_style(document, "文书小标题", "XfHeading", bold=True, first_line_chars=2, keep_with_next=True),
        "closing": _paragraph_style(document, "文书结束语", "XfClosing", first_line_chars=2, keep_with_next=True),
        "signature": _paragraph_style(document, "文书落款", "XfSignature", align=right, right_chars=2, keep_with_next=True),
        "date": _paragraph_style(document, "文书成文日期", "XfDate", align=right, right_chars=2),
        "blank": _paragraph_style(document, "文书空行", "XfBlank", align=WD_ALIGN_PARAGRAPH.LEFT,
                                  keep_with_next=True),
        "tag": _paragraph_style(document, "文书模板标记", "XfTag", align=WD_ALIGN_PARAGRAPH.LEFT),
    }


def _page(document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.footer_distance = Cm(2.5)
    # Page number "— 1 —" centred, 四号 (14 pt), as official documents print it.
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer._p.append(parse_xml(
        f'<w:r {nsdecls("w")}><w:rPr><w:sz w:val="28"/></w:rPr><w:t xml:space="preserve">— </w:t></w:r>'))
    footer._p.append(parse_xml(
        f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:rPr><w:sz w:val="28"/></w:rPr>'
        f'<w:t>1</w:t></w:r></w:fldSimple>'))
    footer._p.append(parse_xml(
        f'<w:r {nsdecls("w")}><w:rPr><w:sz w:val="28"/></w:rPr><w:t xml:space="preserve"> —</w:t></w:r>'))


def build(kind: Kind) -> bytes:
    document = Document()
    _defaults(document)
    styles = _styles(document)
    _page(document)
    paragraphs: list[tuple[str, str]] = [
        ("title", "{{ issuing_org }}"),
        ("title", kind.title),
        ("blank", ""),
        ("number", "{{ notice_number }}"),
        ("tag", "{%p if voided %}"),
        ("voided", "（本文书已撤销，仅供存档）"),
        ("tag", "{%p endif %}"),
        ("blank", ""),
        ("addressee", "{{ petitioner_name }}："),
        *kind.body,
    ]
    paragraphs.append(("closing", kind.closing))
    paragraphs += [("blank", ""), ("blank", ""), ("signature", "{{ issuing_org }}"), ("date", "{{ issued_date }}")]
    for style, text in paragraphs:
        document.add_paragraph(text, style=styles[style])
    properties = document.core_properties
    properties.title = kind.title
    properties.author = "法治信访"
    properties.last_modified_by = "法治信访"
    properties.comments = "由 scripts/make_notice_templates.py 生成；可在 Word/WPS 中编辑，标签见 docs/NOTICES.md"
    properties.revision = 1
    properties.created = properties.modified = datetime(*ZIP_DATE)
    buffer = io.BytesIO()
    document.save(buffer)
    return _normalised_zip(buffer.getvalue())


def _normalised_zip(data: bytes) -> bytes:
    """The same zip with fixed timestamps: byte-identical output for identical content."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare with the committed files")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help=f"folder to write to (default {OUT_DIR})")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    stale = []
    for name, kind in KINDS.items():
        path = args.out / f"{name}.docx"
        data = build(kind)
        if args.check:
            if not path.is_file() or path.read_bytes() != data:
                stale.append(path.name)
            continue
        path.write_bytes(data)
        print(f"{path}  {kind.title}  {len(data)} bytes")
    if stale:
        print(f"out of date (run scripts/make_notice_templates.py): {', '.join(stale)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
