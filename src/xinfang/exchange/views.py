"""The clerk's review list of an import's 疑似重复信访: confirm (the petition becomes a 重件) or dismiss, with a reason.

The decisions are review.proposal_confirm / proposal_dismiss, which check the role and the reader's scope
themselves; the page only shows what they allow and says in Chinese why a decision was refused.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from xinfang.exchange.models import RepeatProposal
from xinfang.exchange.review import proposal_confirm, proposal_dismiss, proposals_pending
from xinfang.matching.services import LINK_ROLES

PAGE_SIZE = 50


def _require_reviewer(request: HttpRequest) -> None:
    if not request.user.has_role(*LINK_ROLES):
        raise PermissionDenied("导入后的疑似重复信访由信访部门的登记员或审核员确认")


@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    _require_reviewer(request)
    page = Paginator(proposals_pending(actor=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "exchange/review_list.html", {"page": page, "count": page.paginator.count})


@require_POST
def review_decide(request: HttpRequest, proposal_id: int) -> HttpResponse:
    _require_reviewer(request)
    action, reason = request.POST.get("action"), request.POST.get("reason", "")
    try:
        if action == "confirm":
            petition = proposal_confirm(actor=request.user, proposal_id=proposal_id, reason=reason)
            messages.success(request, f"已确认：{petition.number} 为重复信访")
        elif action == "dismiss":
            proposal = proposal_dismiss(actor=request.user, proposal_id=proposal_id, reason=reason)
            messages.success(request, f"已排除：{proposal.petition.number} 不是该事项的重复信访")
        else:
            messages.error(request, "请选择确认或排除")
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))  # the field messages too, flattened
    except RepeatProposal.DoesNotExist as missing:
        messages.error(request, str(missing))
    return redirect("exchange:review")
