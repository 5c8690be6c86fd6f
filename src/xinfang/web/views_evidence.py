"""The case page's evidence upload: what the handling unit found while investigating (调查核实证据)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from xinfang.petitions.models import Attachment, Petition
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.petitions.services import UploadInput, attachment_add

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024


@require_POST
def evidence_upload(request: HttpRequest, petition_id: int) -> HttpResponse:
    petition = petitions_visible_to(user=request.user).filter(pk=petition_id).first()
    if petition is None:
        raise Http404
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择要上传的证据文件")
    elif upload.size > MAX_EVIDENCE_BYTES:
        messages.error(request, f"文件过大（上限{MAX_EVIDENCE_BYTES // 1024 // 1024} MB）")
    else:
        try:
            attachment_add(petition=petition, upload=UploadInput(name=upload.name, data=upload.read()),
                           actor=request.user, purpose=Attachment.Purpose.EVIDENCE)
        except Petition.DoesNotExist:
            raise Http404 from None
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, "未能上传：" + "；".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, f"已上传调查核实证据：{upload.name}")
    return redirect("petition-detail", petition_id=petition.pk)
