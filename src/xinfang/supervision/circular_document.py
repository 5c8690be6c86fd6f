"""The 通报 as a Word document, from templates_docx/circular.docx (scripts/make_supervision_templates.py).

An office may replace it with its own `circular.docx` in XINFANG_NOTICE_TEMPLATE_DIR. Tags: title, kind,
kind_label, number, issuing_org, addressee, body, units, petitions, revokes_number, issued_date.
"""

from typing import Any

from xinfang.notices.documents import chinese_date
from xinfang.supervision.accountability import Circular
from xinfang.supervision.letters import _inline, _paragraphs, render_document

TEMPLATE_NAME = "circular.docx"


def circular_context(*, circular: Circular) -> dict[str, Any]:
    units = "、".join(_inline(unit.name) for unit in circular.units.order_by("path"))
    return {
        "title": _inline(circular.title),
        "kind": circular.kind,
        "kind_label": circular.get_kind_display(),
        "number": circular.number,
        "issuing_org": _inline(circular.office.name),
        "addressee": units,
        "body": _paragraphs(circular.body),
        "units": units,
        "petitions": "、".join(circular.petitions.order_by("number").values_list("number", flat=True)),
        "revokes_number": circular.revokes.number if circular.revokes_id else "",
        "issued_date": chinese_date(circular.issued_on),
    }


def render_circular(*, circular: Circular) -> bytes:
    return render_document(TEMPLATE_NAME, circular_context(circular=circular))


def circular_filename(*, circular: Circular) -> str:
    return f"{circular.get_kind_display()}-{circular.number}.docx"
