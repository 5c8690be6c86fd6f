"""Pages and htmx partials: candidates while registering, the matter's chain on the case page, mass matters."""

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xinfang.matching.forms import IntentForm, LinkForm, MergeForm, ReasonForm, SplitForm
from xinfang.matching.models import PetitionerMerge, RepeatIntent, SkipLevelMark
from xinfang.matching.selectors import (
    Draft,
    DraftPerson,
    cluster_months,
    cluster_of_petition,
    cluster_view,
    cluster_views,
    draft_of_petition,
    identity_links_of,
    matter_chain,
    matter_chain_for,
    matter_finality,
    merges_of,
    repeat_candidates,
    visible_finality,
)
from xinfang.matching.services import (
    CORRECT_ROLES,
    LINK_ROLES,
    MERGE_ROLES,
    matter_split,
    petitioner_merge,
    petitioner_unmerge,
    repeat_intent_set,
    repeat_link,
    repeat_unlink,
)
from xinfang.petitions.models import Petition, Petitioner
from xinfang.petitions.selectors import petition_get_for_user, petitions_visible_to

MAX_FORM_PETITIONERS = 20


def _can(user, roles) -> bool:
    return user.is_superuser or user.has_role(*roles)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _received_at(value: str | None) -> datetime | None:
    try:
        return timezone.make_aware(datetime.strptime(value or "", "%Y-%m-%dT%H:%M"))
    except ValueError:
        return None


def _draft_from_form(data) -> Draft:
    """The registration form as typed so far; anything unparsable is simply left out of the comparison."""
    people = []
    for index in range(MAX_FORM_PETITIONERS):
        prefix = f"petitioners-{index}-"
        fields = {name: (data.get(prefix + name) or "").strip()[:200] for name in ("name", "id_number", "phone",
                                                                                    "address")}
        if any(fields.values()):
            people.append(DraftPerson(**fields))
    text = "\n".join((data.get(name) or "") for name in ("summary", "content", "demands"))
    return Draft(text=text, people=tuple(people), locality_id=_int(data.get("locality")),
                 category_id=_int(data.get("category")), complained_org_id=_int(data.get("complained_org")),
                 received_at=_received_at(data.get("received_at")))


@require_http_methods(["GET", "POST"])
def candidates_view(request: HttpRequest) -> HttpResponse:
    """htmx: candidates for the registration form, re-rendered as the clerk types.

    The page POSTs (a pasted letter of 50,000 characters does not fit in a URL); GET works for links and tests.
    Nothing is written either way.
    """
    if not _can(request.user, LINK_ROLES):
        raise Http404
    data = request.POST if request.method == "POST" else request.GET
    draft = _draft_from_form(data)
    result = repeat_candidates(actor=request.user, draft=draft, limit=5)
    key = (data.get("idempotency_key") or "").strip()[:64]
    intent = (RepeatIntent.objects.filter(user=request.user, idempotency_key=key).select_related("first_petition")
              .first() if key else None)
    return render(request, "matching/partials/candidates.html", {
        "result": result, "intent": intent, "typed": bool(draft.text.strip() or draft.people),
    })


@require_POST
def intent_view(request: HttpRequest) -> HttpResponse:
    """htmx: remember (or forget) "确认为重复信访" for the form being filled in."""
    form = IntentForm(request.POST)
    error = ""
    intent = None
    if not form.is_valid():
        error = "未能确认：表单标识缺失，请刷新页面"
    else:
        try:
            intent = repeat_intent_set(actor=request.user, idempotency_key=form.cleaned_data["idempotency_key"],
                                       first_petition_id=form.cleaned_data["first_petition"])
        except (ValidationError, PermissionDenied, Petition.DoesNotExist) as failure:
            error = "未能确认：" + "；".join(getattr(failure, "messages", [str(failure)]))
    if intent is not None:
        intent = RepeatIntent.objects.select_related("first_petition").get(pk=intent.pk)
    return render(request, "matching/partials/intent.html", {"intent": intent, "error": error})


def _visible(request: HttpRequest, petition_id: int) -> Petition:
    try:
        return petition_get_for_user(user=request.user, petition_id=petition_id)
    except Petition.DoesNotExist:
        raise Http404 from None


def _section_context(request: HttpRequest, petition: Petition) -> dict:
    user = request.user
    # The rules see the whole matter (a final matter stays final); the reader sees only what they may open.
    whole = [p.pk for p in matter_chain(petition_id=petition.pk)]
    view = matter_chain_for(user=user, petition_id=petition.pk)
    chain = view.petitions
    finality = visible_finality(matter_finality(petition_ids=whole), chain)
    # A repeat of a first petition Art 30 hides from the reader stands as the first of what they see.
    is_repeat = petition.first_petition_id is not None and not view.is_first(petition)
    can_link = _can(user, LINK_ROLES)
    candidates, other_matters = [], []
    notes: list[str] = []
    if can_link:
        result = repeat_candidates(actor=user, draft=draft_of_petition(petition=petition), limit=5)
        chain_ids = {p.pk for p in chain}
        candidates = [c for c in result.candidates if c.petition_id not in chain_ids and c.matter_id not in chain_ids]
        other_matters = [c for c in result.other_matters
                         if c.petition_id not in chain_ids and c.matter_id not in chain_ids]
        notes = result.notes
    petitioner_ids = list(petition.parties.values_list("petitioner_id", flat=True))
    can_merge = _can(user, MERGE_ROLES)
    return {
        "petition": petition, "chain": chain, "finality": finality,
        "is_repeat": is_repeat, "first_id": view.first_id,
        # An import brings its own 越级 value; the stored reason is shown only when it agrees with the column.
        "skip_mark": SkipLevelMark.objects.filter(petition=petition, is_skip_level=petition.is_skip_level).first(),
        "candidates": candidates, "other_matters": other_matters, "notes": notes,
        "can_link": can_link, "can_unlink": _can(user, CORRECT_ROLES + LINK_ROLES),
        "can_split": _can(user, CORRECT_ROLES) and len(chain) > 1,
        "links": list(identity_links_of(petitioner_ids=petitioner_ids, user=user)[:10]) if petitioner_ids else [],
        "merges": list(merges_of(petitioner_ids=petitioner_ids, user=user).filter(unmerged_at__isnull=True)[:10]),
        "can_merge": can_merge, "own_petitioners": set(petitioner_ids),
        "cluster": cluster_of_petition(user=user, petition=petition),
    }


@require_GET
def petition_section(request: HttpRequest, petition_id: int) -> HttpResponse:
    """htmx: the 重复信访 section of the case page."""
    petition = _visible(request, petition_id)
    return render(request, "matching/partials/petition_section.html", _section_context(request, petition))


def _after_change(request: HttpRequest, petition: Petition, *, ok: str, error: str = "") -> HttpResponse:
    """Re-render the section for htmx (with the outcome), or go back to the case page."""
    if request.headers.get("HX-Request"):
        petition = _visible(request, petition.pk)
        context = _section_context(request, petition)
        context.update({"ok": "" if error else ok, "error": error})
        return render(request, "matching/partials/petition_section.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, ok)
    return redirect("petition-detail", petition_id=petition.pk)


def _message(failure: Exception) -> str:
    return "；".join(getattr(failure, "messages", None) or [str(failure) or "无权操作"])


def _attempt(request: HttpRequest, petition: Petition, *, verb: str, change, ok, missing: type[Exception],
             missing_message: str) -> HttpResponse:
    """Run one change of the case's matching data and show its outcome: "未能<verb>：reason" on failure."""
    try:
        result = change()
    except missing:
        return _after_change(request, petition, ok="", error=f"未能{verb}：{missing_message}")
    except (ValidationError, PermissionDenied) as failure:
        return _after_change(request, petition, ok="", error=f"未能{verb}：" + _message(failure))
    return _after_change(request, petition, ok=ok(result) if callable(ok) else ok)


@require_POST
def link_view(request: HttpRequest, petition_id: int) -> HttpResponse:
    petition = _visible(request, petition_id)
    form = LinkForm(request.POST)
    if not form.is_valid():
        return _after_change(request, petition, ok="", error="未能关联：请选择要关联的信访事项")
    reason = form.cleaned_data["reason"] or "经比对确认为同一事项"
    return _attempt(
        request, petition, verb="关联", ok="已确认为重复信访，并关联到该事项的初件",
        missing=Petition.DoesNotExist, missing_message="信访事项不存在或无权查看",
        change=lambda: repeat_link(actor=request.user, petition_id=petition.pk,
                                   first_petition_id=form.cleaned_data["first_petition"], reason=reason),
    )


@require_POST
def unlink_view(request: HttpRequest, petition_id: int) -> HttpResponse:
    petition = _visible(request, petition_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _after_change(request, petition, ok="", error="未能撤销：请填写理由")
    return _attempt(
        request, petition, verb="撤销", ok="已撤销重复关联，该件成为初件",
        missing=Petition.DoesNotExist, missing_message="信访事项不存在或无权查看",
        change=lambda: repeat_unlink(actor=request.user, petition_id=petition.pk, reason=form.cleaned_data["reason"]),
    )


@require_POST
def split_view(request: HttpRequest, petition_id: int) -> HttpResponse:
    petition = _visible(request, petition_id)
    member_ids = [p.pk for p in matter_chain(petition_id=petition.pk, user=request.user)]
    form = SplitForm(request.POST, member_ids=member_ids)
    if not form.is_valid():
        return _after_change(request, petition, ok="", error="未能拆分：请勾选要拆分出去的信访件并填写理由")
    return _attempt(
        request, petition, verb="拆分", ok=lambda new_root: f"已拆分：新事项的初件为 {new_root.number}",
        missing=Petition.DoesNotExist, missing_message="信访事项不存在或无权查看",
        change=lambda: matter_split(actor=request.user, petition_ids=form.cleaned_data["petitions"],
                                    reason=form.cleaned_data["reason"]),
    )


@require_POST
def merge_view(request: HttpRequest, petition_id: int) -> HttpResponse:
    petition = _visible(request, petition_id)
    form = MergeForm(request.POST)
    if not form.is_valid():
        return _after_change(request, petition, ok="", error="未能合并：请填写合并理由")
    return _attempt(
        request, petition, verb="合并", ok="已合并信访人记录（可撤销）",
        missing=Petitioner.DoesNotExist, missing_message="信访人不存在或无权查看",
        change=lambda: petitioner_merge(actor=request.user, source_id=form.cleaned_data["source"],
                                        target_id=form.cleaned_data["target"], reason=form.cleaned_data["reason"]),
    )


@require_POST
def unmerge_view(request: HttpRequest, petition_id: int, merge_id: int) -> HttpResponse:
    petition = _visible(request, petition_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _after_change(request, petition, ok="", error="未能撤销合并：请填写理由")
    return _attempt(
        request, petition, verb="撤销合并", ok="已撤销合并，信访人记录已恢复",
        missing=PetitionerMerge.DoesNotExist, missing_message="合并记录不存在或无权查看",
        change=lambda: petitioner_unmerge(actor=request.user, merge_id=merge_id, reason=form.cleaned_data["reason"]),
    )


@require_GET
def cluster_list(request: HttpRequest) -> HttpResponse:
    return render(request, "matching/cluster_list.html", {"clusters": cluster_views(user=request.user)})


@require_GET
def cluster_detail(request: HttpRequest, cluster_id: int) -> HttpResponse:
    cluster = cluster_view(user=request.user, cluster_id=cluster_id)
    if cluster is None:
        raise Http404
    months = cluster_months(cluster=cluster, user=request.user)
    petitions = list(petitions_visible_to(user=request.user).filter(mass_clusters=cluster.pk)
                     .select_related("registering_org", "locality").order_by("received_at", "id")
                     .prefetch_related("parties__petitioner"))
    chart = {"months": [m.month for m in months], "petitions": [m.petitions for m in months],
             "petitioners": [m.petitioners for m in months], "person_times": [m.person_times for m in months]}
    return render(request, "matching/cluster_detail.html", {
        "cluster": cluster, "months": months, "petitions": petitions, "chart": chart,
    })
