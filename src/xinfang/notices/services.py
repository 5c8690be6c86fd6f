"""Producing a notice as a file for a user: every file names the petitioner in full, so every one is audited."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
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
from xinfang.petitions.reveal_approvals import require_approval
from xinfang.petitions.services import can_reveal
from xinfang.workflow.models import Notice

NOTICE_FORMATS = ("docx", "pdf")


@dataclass(frozen=True)
class NoticeFile:
    content: bytes
    filename: str
    content_type: str


class NoticeVoided(Exception):
    """The notice was made void by a correction: it is kept for the record, never handed out as valid."""


def notice_replacement(*, notice: Notice) -> Notice | None:
    """The valid notice of the same kind issued after a voided one (the action taken again), if any."""
    return (Notice.objects.filter(petition_id=notice.petition_id, kind=notice.kind, voided=False,
                                  issued_at__gte=notice.issued_at)
            .exclude(pk=notice.pk).order_by("issued_at", "id").first())


def notice_export(*, notice: Notice, actor: User, fmt: str) -> NoticeFile | None:
    """The notice as .docx or .pdf, with a "notice.download" audit event; None if PDF cannot be made now.

    A voided notice is refused (NoticeVoided, its message naming the valid notice that replaced it): a file
    of it would look like a valid letter once printed, whatever the template (an office's own template need
    not print the 已撤销 mark). The notice row and its event stay on the case for the record.

    Rendering (seconds, for a PDF) runs before the transaction, which only appends the audit event, so no
    database lock is held while LibreOffice works. The caller must have checked that `actor` sees the petition.
    """
    if not can_reveal(actor=actor):
        # A notice names the petitioner in full (name, address): the roles of a full view only.
        raise PermissionDenied("您的角色无权下载载有信访人完整信息的文书")
    require_approval(petition=notice.petition, user=actor)  # an accusation's letter names the accuser
    if notice.voided:
        replacement = notice_replacement(notice=notice)
        then = (f"请使用重新出具的{replacement.get_kind_display()}（{replacement.number}）" if replacement
                else "该事项目前没有重新出具的同类文书")
        raise NoticeVoided(f"{notice.get_kind_display()}（{notice.number}）已因更正作废，不能作为有效文书下载；{then}")
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
