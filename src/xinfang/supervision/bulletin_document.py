"""The 通报 as a Word document, from templates_docx/bulletin.docx (scripts/make_supervision_templates.py).

An office may replace it with its own `bulletin.docx` in XINFANG_NOTICE_TEMPLATE_DIR. Tags: title, kind,
kind_label, number, issuing_org, addressee, body, units, petitions, revokes_number, issued_date.
"""

from typing import Any

from xinfang.notices.documents import chinese_date
from xinfang.supervision.accountability import Bulletin
from xinfang.supervision.letters import _inline, _paragraphs, render_document

TEMPLATE_NAME = "bulletin.docx"


def bulletin_context(*, bulletin: Bulletin) -> dict[str, Any]:
    units = "、".join(_inline(unit.name) for unit in bulletin.units.order_by("path"))
    return {
        "title": _inline(bulletin.title),
        "kind": bulletin.kind,
        "kind_label": bulletin.get_kind_display(),
        "number": bulletin.number,
        "issuing_org": _inline(bulletin.office.name),
        "addressee": units,
        "body": _paragraphs(bulletin.body),
        "units": units,
        "petitions": "、".join(bulletin.petitions.order_by("number").values_list("number", flat=True)),
        "revokes_number": bulletin.revokes.number if bulletin.revokes_id else "",
        "issued_date": chinese_date(bulletin.issued_on),
    }


def render_bulletin(*, bulletin: Bulletin) -> bytes:
    return render_document(TEMPLATE_NAME, bulletin_context(bulletin=bulletin))


def bulletin_filename(*, bulletin: Bulletin) -> str:
    return f"{bulletin.get_kind_display()}-{bulletin.number}.docx"
