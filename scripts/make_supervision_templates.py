#!/usr/bin/env python3
"""Generate the Word templates of the supervision app (src/xinfang/supervision/templates_docx/).

    .venv/bin/python scripts/make_supervision_templates.py            write the template
    .venv/bin/python scripts/make_supervision_templates.py --check    exit 1 if the committed file differs

Same layout, styles and fonts as the notices (scripts/make_notice_templates.py, GB/T 9704); the tags are
filled by xinfang.supervision.letters.letter_context. The title is {{ title }}: 督办函 or 督办提醒函.
The 通报 (circular.docx) is filled by xinfang.supervision.circular_document.circular_context.
"""

import argparse
import io
import sys
from datetime import datetime
from pathlib import Path

from docx import Document

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_notice_templates import ZIP_DATE, _defaults, _normalised_zip, _page, _styles  # noqa: E402

FOLDER = Path(__file__).resolve().parents[1] / "src" / "xinfang" / "supervision" / "templates_docx"
OUT = FOLDER / "supervision_letter.docx"

PARAGRAPHS: tuple[tuple[str, str], ...] = (
    ("title", "{{ issuing_org }}"),
    ("title", "{{ title }}"),
    ("blank", ""),
    ("number", "{{ number }}"),
    ("blank", ""),
    ("addressee", "{{ target_org }}："),
    ("tag", "{%p if letter_kind == 'reminder' %}"),
    ("body", "{% if petition_number %}信访事项（信访件编号：{{ petition_number }}）{% else %}下列事项{% endif %}"
             "由你单位办理。依据{{ article }}的规定，现提醒你单位抓紧办理，按期办结。"),
    ("tag", "{%p else %}"),
    ("body", "{% if petition_number %}信访事项（信访件编号：{{ petition_number }}）{% else %}下列事项{% endif %}"
             "由你单位办理。依据{{ article }}的规定，本机关决定对该事项进行督办。"),
    ("tag", "{%p endif %}"),
    ("heading", "一、督办事项"),
    ("body", "{{ subject }}"),
    ("tag", "{%p if requirements %}"),
    ("heading", "二、督办要求"),
    ("body", "{{ requirements }}"),
    ("tag", "{%p endif %}"),
    ("closing", "请于{{ due_date }}前将办理情况书面报送本机关。特此函告。"),
    ("blank", ""),
    ("blank", ""),
    ("signature", "{{ issuing_org }}"),
    ("date", "{{ issued_date }}"),
)


# 通报 (通报批评 / 通报表扬): the office's name, the title, the number, the units named, the body, the cases named,
# the circular it revokes, the office's signature.
CIRCULAR_PARAGRAPHS: tuple[tuple[str, str], ...] = (
    ("title", "{{ issuing_org }}"),
    ("title", "{{ title }}"),
    ("blank", ""),
    ("number", "{{ number }}"),
    ("blank", ""),
    ("addressee", "{{ addressee }}："),
    ("body", "{{ body }}"),
    ("tag", "{%p if units %}"),
    ("heading", "{{ kind_label }}单位"),
    ("body", "{{ units }}"),
    ("tag", "{%p endif %}"),
    ("tag", "{%p if petitions %}"),
    ("heading", "涉及信访事项"),
    ("body", "{{ petitions }}"),
    ("tag", "{%p endif %}"),
    ("tag", "{%p if revokes_number %}"),
    ("body", "本通报印发之日起，{{ revokes_number }}通报同时撤销。"),
    ("tag", "{%p endif %}"),
    ("blank", ""),
    ("blank", ""),
    ("signature", "{{ issuing_org }}"),
    ("date", "{{ issued_date }}"),
)

# (file, document title, paragraphs)
TEMPLATES: tuple[tuple[Path, str, tuple[tuple[str, str], ...]], ...] = (
    (OUT, "督办函", PARAGRAPHS),
    (FOLDER / "circular.docx", "通报", CIRCULAR_PARAGRAPHS),
)


def build(paragraphs: tuple[tuple[str, str], ...] = PARAGRAPHS, title: str = "督办函") -> bytes:
    document = Document()
    _defaults(document)
    styles = _styles(document)
    _page(document)
    for style, text in paragraphs:
        document.add_paragraph(text, style=styles[style])
    properties = document.core_properties
    properties.title = title
    properties.author = "法治信访"
    properties.last_modified_by = "法治信访"
    properties.comments = "由 scripts/make_supervision_templates.py 生成；可在 Word/WPS 中编辑，标签见 docs/SUPERVISION.md"
    properties.revision = 1
    properties.created = properties.modified = datetime(*ZIP_DATE)
    buffer = io.BytesIO()
    document.save(buffer)
    return _normalised_zip(buffer.getvalue())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare with the committed file")
    args = parser.parse_args()
    stale = []
    for out, title, paragraphs in TEMPLATES:
        data = build(paragraphs, title)
        if args.check:
            if not out.is_file() or out.read_bytes() != data:
                stale.append(out.name)
            continue
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        print(f"{out}  {title}  {len(data)} bytes")
    if stale:
        print(f"out of date (run scripts/make_supervision_templates.py): {', '.join(stale)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
