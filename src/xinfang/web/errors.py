"""Error pages in Chinese with the site's layout (templates 403.html, 404.html, 500.html at the template root).

Django's own handlers would do, but they pass the exception's message to the page as it is: the views here
raise Http404/PermissionDenied with Chinese reasons worth showing ("当前用户未分配所属机构，不能查看统计"),
while Django's own (get_object_or_404: "No Attachment matches the given query.") are English and say
nothing to a clerk. So only a message with Chinese in it is shown. The 500 page stays Django's default
handler: it renders 500.html without a request context (the failure may be the database or a context
processor), so that template needs nothing from the request.
"""

import re

from django.shortcuts import render
from django.views.decorators.csrf import requires_csrf_token

_CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _reason(exception) -> str:
    args = getattr(exception, "args", ())
    message = args[0] if args and isinstance(args[0], str) else ""
    return message if _CHINESE.search(message) else ""


@requires_csrf_token
def page_not_found(request, exception):
    return render(request, "404.html", {"reason": _reason(exception)}, status=404)


@requires_csrf_token
def permission_denied(request, exception):
    return render(request, "403.html", {"reason": _reason(exception)}, status=403)
