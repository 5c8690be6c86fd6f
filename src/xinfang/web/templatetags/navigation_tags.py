from django import template

from xinfang.web.navigation import nav_items

register = template.Library()


@register.simple_tag(takes_context=True)
def main_nav(context) -> list:
    """The side navigation's entries for the page's user (none where there is no user, as on the 500 page)."""
    return nav_items(context.get("user"))
