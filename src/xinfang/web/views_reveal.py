"""检举人身份查看审批 pages: the reveal of an accusation's petitioner asks a second official first
(petitions.reveal_approvals); the custodians' list of pending requests, approve or refuse with a note."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from xinfang.petitions.models import Petition, Petitioner
from xinfang.petitions.reveal_approvals import (
    CUSTODIAN_ROLES,
    RevealApproval,
    approval_live,
    approvals_pending_for,
    needs_approval,
    reveal_approval_decide,
    reveal_approval_request,
)
from xinfang.petitions.selectors import petition_get_for_user
from xinfang.petitions.services import can_reveal, petitioner_reveal
from xinfang.web.forms import RevealForm


def _partial(request, petition, petitioner, **context) -> HttpResponse:
    return render(request, "web/partials/reveal.html", {
        "petition": petition, "petitioner": petitioner, "can_reveal": can_reveal(actor=request.user),
        "needs_approval": needs_approval(petition), **context})


@require_POST
def petitioner_reveal_view(request: HttpRequest, petition_id: int, petitioner_id: int) -> HttpResponse:
    """Reveal one petitioner (logged); for an accusation without a live approval, ask for one instead."""
    try:
        petition = petition_get_for_user(user=request.user, petition_id=petition_id)
    except Petition.DoesNotExist:
        raise Http404 from None
    petitioner = get_object_or_404(Petitioner, pk=petitioner_id, parties__petition=petition)
    form = RevealForm(request.POST)
    if not form.is_valid():
        return _partial(request, petition, petitioner, form=form, revealed=False)
    reason = form.cleaned_data["reason"]
    if needs_approval(petition) and approval_live(petition=petition, user=request.user) is None:
        approval = reveal_approval_request(petition=petition, actor=request.user, reason=reason)
        return _partial(request, petition, petitioner, revealed=False, requested=approval)
    petitioner_reveal(petition=petition, petitioner=petitioner, actor=request.user, reason=reason)
    return _partial(request, petition, petitioner, revealed=True)


def can_approve_reveals(user) -> bool:
    return user.has_role(*CUSTODIAN_ROLES)


def approval_list(request: HttpRequest) -> HttpResponse:
    if not can_approve_reveals(request.user):
        raise PermissionDenied("检举人身份查看申请由信访部门审核员或领导干部批准")
    pending = list(approvals_pending_for(user=request.user))
    return render(request, "web/reveal_approvals.html", {"pending": pending})


@require_POST
def approval_decide(request: HttpRequest, approval_id: int) -> HttpResponse:
    if not approvals_pending_for(user=request.user).filter(pk=approval_id).exists():
        get_object_or_404(RevealApproval.objects.none(), pk=approval_id)  # 404: not one this user may see
    try:
        approval = reveal_approval_decide(approval_id=approval_id, actor=request.user,
                                          approve=request.POST.get("decision") == "approve",
                                          note=request.POST.get("note", ""))
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, "未能办理：" + "；".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, f"已{approval.get_status_display()}（{approval.petition.number}）")
    return redirect("reveal-approvals")
