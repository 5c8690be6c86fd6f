from django import template
from django.db import DatabaseError

from xinfang.notifications.services import unread_count

register = template.Library()


@register.inclusion_tag("notifications/bell.html", takes_context=True)
def notification_bell(context):
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    try:
        count = unread_count(user=user)
    except DatabaseError:  # the error page of a failing database still renders
        return {"show": False}
    return {"show": True, "count": count}
