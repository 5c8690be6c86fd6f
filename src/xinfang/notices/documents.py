"""Rendering a notice: the tags' values, the Word template (shipped or the office's), .docx and .pdf bytes.

docs/NOTICES.md lists the tags. The context is built in one function, `notice_context`, from the Notice row
(its `content` holds what the action entered), the petition and its history; labels come from the choices.
"""

import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
import zipfile
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from docx.opc.exceptions import PackageNotFoundError
from docxtpl import DocxTemplate
from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment

from xinfang.petitions.models import Channel, Petition, PetitionEvent, Petitioner
from xinfang.workflow.choices import Outcome
from xinfang.workflow.fields import FIELDS
from xinfang.workflow.models import Clock, Notice
from xinfang.workflow.selectors import review_organs

logger = logging.getLogger(__name__)

SHIPPED_DIR = Path(__file__).resolve().parent / "templates_docx"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_CONTENT_TYPE = "application/pdf"
# A cold LibreOffice start with a fresh profile takes a few seconds; a hung one must not hold the request.
PDF_TIMEOUT_SECONDS = 60

# How the matter reached us, as the letter's first sentence says it ("你于…来信反映的…").
RECEIVED_HOW = {
    Channel.LETTER: "来信反映",
    Channel.VISIT: "来访反映",
    Channel.CALL: "来电反映",
    Channel.ONLINE_COMPLAINT: "通过网上信访反映",
    Channel.ONLINE_SUGGESTION: "通过网上信访提出",
    Channel.LEADER_MAILBOX: "通过领导信箱反映",
    Channel.ASSIGNED_FROM_ABOVE: "反映（上级交办）",
    Channel.HOTLINE_TRANSFER: "通过12345热线反映",
}

# Free text that may run over several paragraphs; everything else is set inline.
PARAGRAPH_FIELDS = frozenset({"demands", "facts", "decision", "legal_basis", "agreement", "reason", "reasons",
                              "report", "comment"})

# Every documented tag (docs/NOTICES.md), defined for every kind so an office template can use any of them.
CONTEXT_KEYS = (
    "kind", "title", "notice_number", "petition_number", "issuing_org", "issued_date", "voided",
    "petitioner_name", "you", "received_date", "received_how", "channel", "summary", "demands", "article",
    "handling_org", "forward_verb",
    "outcome", "outcome_label", "facts", "decision", "legal_basis", "agreement", "review_org",
    "days", "reason", "accepted_date",
    "rejection_reason", "rejection_reason_label",
    "legal_pathway", "legal_pathway_label", "pathway_org",
    "review_outcome", "review_outcome_label", "review_conclusion", "reasons", "re_review_org",
    "prior_number", "prior_org", "request_date",
    "review_refusal_reason", "review_refusal_reason_label", "lawful_org",
    "same_matter_as",
)

# Characters XML 1.0 forbids (and \f, which docxtpl would turn into a page break) are dropped from input.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# A paragraph of free text not ending in one of these gets a 。 (a form field rarely has one).
_SENTENCE_ENDS = frozenset("。！？；：…”’.!?;:")


class NoticeTemplateError(Exception):
    """A Word template that cannot be read or rendered; the message names the file, for the office."""


def chinese_date(day: date | None) -> str:
    """2025年10月24日, as offices write dates."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def _inline(value: Any) -> str:
    """One line: control characters dropped, line breaks and runs of spaces made one space."""
    return " ".join(_CONTROL.sub("", str(value or "")).split())


def _paragraphs(value: Any) -> str:
    r"""Lines as paragraphs, each ending as a sentence ends in a letter.

    docxtpl turns \a into a new paragraph with the same style (first-line indent and all).
    """
    lines = _CONTROL.sub("", str(value or "")).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\a".join(_sentence(line.strip()) for line in lines if line.strip())


def _sentence(text: str) -> str:
    return text if text[-1] in _SENTENCE_ENDS else f"{text}。"


def _event_date(event: PetitionEvent | None) -> date | None:
    raw = (event.data or {}).get("acted_on") if event else None
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _last_event(events: list[PetitionEvent], kind: str, *, until: PetitionEvent | None) -> PetitionEvent | None:
    """The newest event of a kind, up to the notice's own event (a later request belongs to a later letter)."""
    found = None
    for event in events:
        if event.kind == kind:
            found = event
        if until is not None and event.pk == until.pk:
            break
    return found


def _prior_notice(notice: Notice, kind: str) -> Notice | None:
    return (Notice.objects.filter(petition_id=notice.petition_id, kind=kind, issued_at__lte=notice.issued_at,
                                  voided=False)
            .exclude(pk=notice.pk).select_related("issuing_org").order_by("-issued_at", "-id").first())


def _petitioners(petition: Petition) -> list[Petitioner]:
    return [party.petitioner for party in petition.parties.all()]


def _addressing(petitioners: list[Petitioner]) -> tuple[str, str]:
    """The addressee line (full names: the letter goes to them) and how the letter says "you"."""
    if not petitioners:
        return "信访人", "你"
    names = "、".join(_inline(person.name) for person in petitioners)
    if len(petitioners) > 1:
        return names, "你们"
    return names, "你单位" if petitioners[0].kind == Petitioner.Kind.ORGANISATION else "你"


def _label(field: str, value: Any) -> str:
    spec = FIELDS.get(field)
    if spec is None or spec.choices is None or value not in spec.choices.values:
        return ""
    return str(spec.choices(value).label)


def _superior_names(org, fallback: str) -> str:
    """The organs one level above `org` that may review its decision (Arts 35, 36), as a letter names them."""
    organs = review_organs(decided_by=org) if org is not None else []
    return "或".join(_inline(organ.name) for organ in organs) or fallback


def _review_clock_org(petition: Petition):
    """The organ that reviewed the matter (复查机关): the org of its latest live review clock."""
    clock = (Clock.objects.filter(petition_id=petition.pk, kind=Clock.Kind.REVIEW_DECISION, voided=False)
             .select_related("org").order_by("-started_on", "-id").first())
    return clock.org if clock else None


def notice_context(*, notice: Notice) -> dict[str, Any]:
    """The values of every tag for this notice (text cleaned for Word; dates in Chinese)."""
    petition = notice.petition
    content = notice.content or {}
    events = list(petition.events.order_by("occurred_at", "id"))
    own = next((event for event in events if (event.data or {}).get("notice") == notice.number), None)
    # Actions undone by a correction (workflow.services.petition_correct) say nothing about the matter.
    corrected = {(event.data or {}).get("corrects") for event in events if event.kind == "correct"}
    events = [event for event in events if event.pk not in corrected]
    names, you = _addressing(_petitioners(petition))

    context: dict[str, Any] = {key: "" for key in CONTEXT_KEYS}
    # What the action entered, as entered: orgs by name, choice codes with their Chinese labels.
    for key, value in content.items():
        if isinstance(value, dict):
            context[key] = _inline(value.get("name"))
        elif isinstance(value, int) and not isinstance(value, bool):
            context[key] = value
        elif key in PARAGRAPH_FIELDS:
            context[key] = _paragraphs(value)
        else:
            context[key] = _inline(value)
        if label := _label(key, value):
            context[f"{key}_label"] = label

    received = timezone.localtime(petition.received_at).date()
    context.update(
        kind=notice.kind,
        title=notice.get_kind_display(),
        notice_number=notice.number,
        petition_number=petition.number,
        issuing_org=_inline(notice.issuing_org.name),
        # The letter carries the date the action was taken (it may be entered a day later).
        issued_date=chinese_date(_event_date(own) or timezone.localtime(notice.issued_at).date()),
        voided=notice.voided,
        petitioner_name=names,
        you=you,
        received_date=chinese_date(received),
        received_how=RECEIVED_HOW.get(petition.channel, "反映"),
        channel=petition.get_channel_display(),
        summary=_inline(content.get("summary") or petition.summary),
        demands=_paragraphs(content.get("demands") or petition.demands) or _inline(petition.summary),
        article=_inline(content.get("article")),
    )
    if not context["handling_org"] and petition.handling_org_id:
        context["handling_org"] = _inline(petition.handling_org.name)

    kind = notice.kind
    if kind == Notice.Kind.FORWARDING:
        context["forward_verb"] = "交办" if own is not None and own.kind == "assign" else "转送"
    elif kind == Notice.Kind.REDIRECTION:
        context["pathway_org"] = context["pathway_org"] or "有权处理的机关"
    elif kind == Notice.Kind.EXTENSION:
        context["accepted_date"] = chinese_date(_event_date(_last_event(events, "accept", until=own)))
    elif kind == Notice.Kind.DECISION:
        # A mediated matter (Art 33) records an agreement, not an outcome.
        outcome = content.get("outcome") or (Outcome.MEDIATED if content.get("agreement") else petition.outcome)
        context.update(outcome=outcome or "", outcome_label=_label("outcome", outcome))
        # Art 35: review by the organ one level above the one that handled the matter.
        context["review_org"] = _superior_names(petition.handling_org, "原办理机关的上一级机关")
    elif kind in (Notice.Kind.REVIEW, Notice.Kind.RE_REVIEW, Notice.Kind.REVIEW_REFUSAL,
                  Notice.Kind.RE_REVIEW_REFUSAL):
        first = kind in (Notice.Kind.REVIEW, Notice.Kind.REVIEW_REFUSAL)
        prior = _prior_notice(notice, Notice.Kind.DECISION if first else Notice.Kind.REVIEW)
        reviewed_org = petition.handling_org if first else _review_clock_org(petition)
        context["prior_number"] = prior.number if prior else ""
        context["prior_org"] = (_inline(prior.issuing_org.name) if prior
                                else _inline(reviewed_org.name) if reviewed_org else "原办理机关")
        # Art 35 (36): the organs one level above the organ whose decision is reviewed, for a request sent to
        # another organ (不予受理: 本机关不是上一级机关) and, after a review, for the re-review.
        context["lawful_org"] = _superior_names(reviewed_org, "原办理机关的上一级机关" if first else "复查机关的上一级机关")
        if kind in (Notice.Kind.REVIEW, Notice.Kind.RE_REVIEW):
            request = _last_event(events, "request_review" if first else "request_re_review", until=own)
            context["request_date"] = chinese_date(_event_date(request))
            outcome = content.get("review_outcome")
            if outcome:
                context["review_conclusion"] = f"{_label('review_outcome', outcome)}原{'处理' if first else '复查'}意见。"
        if kind == Notice.Kind.REVIEW:
            # Art 36: re-review by the organ one level above the reviewing organ (the review clock's org).
            context["re_review_org"] = _superior_names(_review_clock_org(petition), "复查机关的上一级机关")
    return context


def template_path(*, kind: str) -> Path:
    """The office's template (XINFANG_NOTICE_TEMPLATE_DIR/<kind>.docx) if it has one, else the shipped one."""
    name = f"{Notice.Kind(kind).value}.docx"  # a known kind: never a path from outside
    folder = getattr(settings, "XINFANG_NOTICE_TEMPLATE_DIR", "")
    if folder:
        candidate = Path(folder).expanduser() / name
        if candidate.is_file():
            return candidate
    return SHIPPED_DIR / name


def render_notice_docx(*, notice: Notice) -> bytes:
    """The notice as a Word document."""
    path = template_path(kind=notice.kind)
    context = notice_context(notice=notice)
    document = DocxTemplate(path)
    try:
        # Sandboxed: an edited template is data, and must not reach Python objects through the tags.
        document.render(context, jinja_env=SandboxedEnvironment(), autoescape=True)
    except TemplateError as error:
        line = f"（第{error.lineno}行附近）" if getattr(error, "lineno", None) else ""
        raise NoticeTemplateError(f"文书模板 {path.name} 的标签有误{line}：{error}") from error
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError) as error:
        raise NoticeTemplateError(f"文书模板 {path.name} 不是有效的 Word（.docx）文件") from error
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def soffice_binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_available() -> bool:
    """PDF needs LibreOffice on this machine; without it the case page offers Word only."""
    return soffice_binary() is not None


def docx_to_pdf(*, docx: bytes, timeout: float = PDF_TIMEOUT_SECONDS) -> bytes | None:
    """Convert with `soffice --headless --convert-to pdf`; None on any failure (logged), never an exception."""
    binary = soffice_binary()
    if binary is None:
        return None
    with tempfile.TemporaryDirectory(prefix="xinfang-notice-") as tmp:
        folder = Path(tmp)
        source = folder / "notice.docx"
        source.write_bytes(docx)
        command = [
            binary, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
            # A profile of its own: concurrent conversions would otherwise hand off to one running instance.
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--convert-to", "pdf", "--outdir", str(folder), str(source),
        ]
        try:
            # Its own process group, so a timeout kills soffice.bin too, not only the wrapper script.
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       stdin=subprocess.DEVNULL, start_new_session=True)
        except OSError as error:
            logger.warning("notice PDF: cannot start %s: %s", binary, error)
            return None
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            if hasattr(os, "killpg"):
                os.killpg(process.pid, signal.SIGKILL)
            else:
                process.kill()
            process.communicate()
            logger.warning("notice PDF: LibreOffice did not finish within %s s", timeout)
            return None
        target = folder / "notice.pdf"
        if process.returncode != 0 or not target.is_file():
            logger.warning("notice PDF: conversion failed (exit %s): %s", process.returncode,
                           stderr.decode(errors="replace")[-500:])
            return None
        data = target.read_bytes()
    return data if data.startswith(b"%PDF") else None


def render_notice_pdf(*, notice: Notice) -> bytes | None:
    """The notice as PDF, or None when LibreOffice is not installed or the conversion fails."""
    if not pdf_available():
        return None
    return docx_to_pdf(docx=render_notice_docx(notice=notice))


def notice_filename(*, notice: Notice, fmt: str) -> str:
    """信访处理意见书-QXXF2026000001-YJ1.docx: the kind in Chinese, then the 文号."""
    return f"{notice.get_kind_display()}-{notice.number}.{fmt}"
