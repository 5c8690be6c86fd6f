from django import template

from xinfang.notifications.forms import SmsConsentForm
from xinfang.notifications.selectors_sms import sms_panel

register = template.Library()


@register.inclusion_tag("notifications/petitioner_sms_panel.html", takes_context=True)
def petitioner_sms_panel(context):
    """The case page's 短信告知 panel; the page has fetched `petition` through petitions_visible_to."""
    petition, user = context["petition"], context["request"].user
    return {"petition": petition, "panel": sms_panel(petition=petition, user=user), "form": SmsConsentForm(),
            "csrf_token": context.get("csrf_token")}
