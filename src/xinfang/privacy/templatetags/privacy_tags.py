from django import template

from xinfang.portal.models import ConsentNotice
from xinfang.privacy.selectors import notice_current

register = template.Library()


@register.simple_tag
def current_privacy_notice() -> ConsentNotice | None:
    """The notice version a registration made now is recorded under (the staff registration page shows it)."""
    return notice_current()
