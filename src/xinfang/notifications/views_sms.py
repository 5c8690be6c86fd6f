"""The case page's 短信告知 panel: recording a petitioner's consent or its withdrawal."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from xinfang.notifications.consent import sms_consent_record
from xinfang.notifications.forms import SmsConsentForm
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import petition_get_for_user


@require_POST
def sms_consent_view(request: HttpRequest, petition_id: int) -> HttpResponse:
    try:  # a matter the user cannot see does not exist for them (404, never 403)
        petition = petition_get_for_user(user=request.user, petition_id=petition_id)
    except Petition.DoesNotExist:
        raise Http404 from None
    form = SmsConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "未能记录短信告知意愿：请选择意愿和表示方式")
    else:
        data = form.cleaned_data
        try:  # PermissionDenied (not the registering office's clerk or reviewer) answers 403
            sms_consent_record(petition_id=petition.pk, petitioner_id=data["petitioner"], given=data["given"],
                               method=data["method"], actor=request.user, note=data["note"])
        except ValidationError as error:
            messages.error(request, "未能记录短信告知意愿：" + "；".join(error.messages))
        else:
            messages.success(request, "已记录：同意接收短信告知" if data["given"] else "已记录：不同意接收短信告知，此后不再发送")
    return redirect(reverse("petition-detail", args=[petition.pk]) + "#petitioner-sms")
