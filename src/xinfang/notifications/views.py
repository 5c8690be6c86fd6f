"""The user's notifications: the list (opening it marks them read)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xinfang.notifications.models import Notification
from xinfang.notifications.services import notification_url, notifications_mark_read


@login_required
def notification_list(request):
    page = Paginator(Notification.objects.filter(recipient=request.user).select_related("petition", "record_warning"),
                     50).get_page(request.GET.get("page"))
    notifications = list(page.object_list)
    for notification in notifications:  # a case, or the record a 超期 warning is about (督办, 纠纷, 积案 …)
        notification.url = notification_url(notification)
    unread_ids = [n.pk for n in notifications if n.read_at is None]
    response = render(request, "notifications/notification_list.html",
                      {"page": page, "notifications": notifications, "unread_ids": set(unread_ids)})
    # Shown once as new, then read.
    notifications_mark_read(user=request.user, ids=unread_ids)
    return response


@require_POST
@login_required
def notification_read_all(request):
    notifications_mark_read(user=request.user)
    return redirect("notification-list")
