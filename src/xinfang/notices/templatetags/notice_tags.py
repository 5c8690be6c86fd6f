from django import template

from xinfang.notices.documents import pdf_available

register = template.Library()


@register.simple_tag
def notice_pdf_available() -> bool:
    """Whether LibreOffice is installed, so the case page offers .pdf next to .docx."""
    return pdf_available()
