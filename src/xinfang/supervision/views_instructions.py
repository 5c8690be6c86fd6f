"""Pages of 领导批示: the panel on the case page (instruction_panel), the forms it posts to, the list.

Thin: parse, call a service or a selector, render. An instruction on a matter the user cannot see is 404.
A refused form is shown again on its own page with the user's input and the reason.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from xinfang.orgs.models import User
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import petition_get_for_user
from xinfang.supervision import services_instructions as services
from xinfang.supervision.forms_instructions import (
    CloseForm,
    InstructionFilterForm,
    InstructionForm,
    ResponseForm,
    response_prefix,
)
from xinfang.supervision.instructions import Instruction
from xinfang.supervision.selectors_instructions import (
    STATES,
    InstructionFilters,
    instruction_filter_choices,
    instruction_get_for_user,
    instructions_filter,
    instructions_on_petition,
    instructions_visible_to,
)

PAGE_SIZE = 50


def instruction_panel(*, user: User, petition: Petition) -> dict:
    """Context of supervision/instructions/panel.html on the case page: the instructions on the matter, what
    this user may do with each, and the leader's form."""
    today = timezone.localdate()
    items = [{
        "instruction": instruction, "state": instruction.state(today), "days": (instruction.due_on - today).days,
        "can_respond": services.may_respond(user, instruction), "can_close": services.may_close(user, instruction),
        "response_form": ResponseForm(prefix=response_prefix(instruction)),
        "close_form": CloseForm(prefix=f"close{instruction.pk}"),
    } for instruction in instructions_on_petition(user=user, petition=petition)]
    can_instruct = services.can_instruct(user)
    return {"petition": petition, "entries": items, "can_instruct": can_instruct,
            "form": InstructionForm(user=user, petition=petition) if can_instruct else None}


def _errors(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [message for messages_ in error.message_dict.values() for message in messages_]
    return list(error.messages)


def _on_case_page(instruction: Instruction) -> str:
    return reverse("petition-detail", args=[instruction.petition_id]) + f"#instruction-{instruction.pk}"


def _visible_instruction(request: HttpRequest, pk: int) -> Instruction:
    try:
        return instruction_get_for_user(user=request.user, instruction_id=pk)
    except Instruction.DoesNotExist:
        raise Http404 from None


def _form_page(request: HttpRequest, *, title: str, petition: Petition, form, action: str, button: str,
               instruction: Instruction | None = None, problems: list[str] | None = None) -> HttpResponse:
    return render(request, "supervision/instructions/form.html", {
        "title": title, "petition": petition, "form": form, "action": action, "button": button,
        "instruction": instruction, "problems": problems or []})


@require_http_methods(["GET", "POST"])
def instruction_new(request: HttpRequest) -> HttpResponse:
    """The leader's form (also on the case page); ?petition=<id>."""
    raw = request.POST.get("petition") or request.GET.get("petition") or ""
    if not raw.isdigit():
        raise Http404
    try:
        petition = petition_get_for_user(user=request.user, petition_id=int(raw))
    except Petition.DoesNotExist:
        raise Http404 from None
    if not services.can_instruct(request.user):
        raise PermissionDenied("“领导批示”须由领导干部办理")
    form = InstructionForm(request.POST or None, user=request.user, petition=petition)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        try:
            instruction = services.instruction_record(data=services.InstructionInput(
                petition_id=petition.pk, text=cleaned["text"], target_org_id=cleaned["target_org"].pk,
                priority=cleaned.get("priority") or Instruction.Priority.NORMAL, issued_on=cleaned.get("issued_on"),
                due_on=cleaned.get("due_on"), due_days=cleaned.get("due_days")), actor=request.user)
        except ValidationError as error:
            problems = _errors(error)
        else:
            messages.success(request, f"已记录领导批示 {instruction.number}，交{instruction.target_org.name}落实")
            return redirect(_on_case_page(instruction))
    return _form_page(request, title="领导批示", petition=petition, form=form, problems=problems,
                      action=reverse("supervision:instruction-new"), button="记录批示")


@require_POST
def instruction_respond(request: HttpRequest, pk: int) -> HttpResponse:
    instruction = _visible_instruction(request, pk)
    form = ResponseForm(request.POST, prefix=response_prefix(instruction))
    problems: list[str] = []
    if form.is_valid():
        cleaned = form.cleaned_data
        try:  # PermissionDenied (not the routed unit's head) is the 403 page
            services.instruction_respond(instruction_id=pk, text=cleaned["text"], final=cleaned["final"],
                                         responded_on=cleaned.get("responded_on"), actor=request.user)
        except ValidationError as error:
            problems = _errors(error)
        else:
            messages.success(request, "已报送最终落实情况" if cleaned["final"] else "已记录落实进展")
            return redirect(_on_case_page(instruction))
    return _form_page(request, title=f"反馈落实情况 {instruction.number}", petition=instruction.petition, form=form,
                      instruction=instruction, problems=problems, button="提交",
                      action=reverse("supervision:instruction-respond", args=[pk]))


@require_POST
def instruction_close(request: HttpRequest, pk: int) -> HttpResponse:
    instruction = _visible_instruction(request, pk)
    form = CloseForm(request.POST, prefix=f"close{pk}")
    problems: list[str] = []
    if form.is_valid():
        try:
            services.instruction_close(instruction_id=pk, note=form.cleaned_data.get("note") or "",
                                       actor=request.user)
        except ValidationError as error:
            problems = _errors(error)
        else:
            messages.success(request, f"{instruction.number}已办结")
            return redirect(_on_case_page(instruction))
    return _form_page(request, title=f"批示办结 {instruction.number}", petition=instruction.petition, form=form,
                      instruction=instruction, problems=problems, button="批示办结",
                      action=reverse("supervision:instruction-close", args=[pk]))


def instruction_list(request: HttpRequest) -> HttpResponse:
    """/supervision/instructions/: the instructions the user sees, filtered by state, unit and leader."""
    form = InstructionFilterForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    filters = InstructionFilters(state=values.get("state") or "", target_org_id=values.get("unit"),
                                 leader_id=values.get("leader"))
    today = timezone.localdate()
    queryset = instructions_filter(instructions_visible_to(user=request.user), filters=filters, today=today)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    units, leaders = instruction_filter_choices(user=request.user)
    rows = [(instruction, instruction.state(today), (instruction.due_on - today).days)
            for instruction in page.object_list]
    return render(request, "supervision/instructions/list.html", {
        "rows": rows, "page": page, "total": page.paginator.count, "filters": filters, "states": STATES,
        "units": units, "leaders": leaders})
