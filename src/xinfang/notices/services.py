"""Producing a notice as a file for a user: every file names the petitioner in full, so every one is audited."""

from dataclasses import dataclass

from django.db import transaction

from xinfang.audit.services import audit_record
from xinfang.notices.documents import (
    DOCX_CONTENT_TYPE,
    PDF_CONTENT_TYPE,
    notice_filename,
    render_notice_docx,
    render_notice_pdf,
)
from xinfang.orgs.models import User
from xinfang.workflow.models import Notice

NOTICE_FORMATS = ("docx", "pdf")


@dataclass(frozen=True)
class NoticeFile:
    content: bytes
    filename: str
    content_type: str


def notice_export(*, notice: Notice, actor: User, fmt: str) -> NoticeFile | None:
    """The notice as .docx or .pdf, with a "notice.download" audit event; None if PDF cannot be made now.

    Rendering (seconds, for a PDF) runs before the transaction, which only appends the audit event, so no
    database lock is held while LibreOffice works. The caller must have checked that `actor` sees the petition.
    """
    if fmt == "docx":
        content: bytes | None = render_notice_docx(notice=notice)
        content_type = DOCX_CONTENT_TYPE
    elif fmt == "pdf":
        content = render_notice_pdf(notice=notice)
        content_type = PDF_CONTENT_TYPE
    else:
        raise ValueError(f"unknown notice format {fmt!r}; expected one of {NOTICE_FORMATS}")
    if content is None:
        return None
    with transaction.atomic():
        audit_record(actor=actor, action="notice.download", target=notice,
                     data={"notice": notice.number, "format": fmt, "kind": notice.kind,
                           "petition": notice.petition.number})
    return NoticeFile(content=content, filename=notice_filename(notice=notice, fmt=fmt), content_type=content_type)
