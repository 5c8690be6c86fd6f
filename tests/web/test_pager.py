"""The shared pager keeps a list's filters and replaces only the page."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory


def test_the_pager_keeps_the_filters_and_moves_the_page():
    request = RequestFactory().get("/supervision/records/", {"kind": "letter", "state": "overdue", "page": "2"})
    page = Paginator(range(120), 50).get_page(2)
    html = render_to_string("web/partials/pager.html", {"page": page}, request=request)
    assert 'href="?kind=letter&amp;state=overdue&amp;page=1"' in html
    assert 'href="?kind=letter&amp;state=overdue&amp;page=3"' in html
    assert "第 2 / 3 页" in html


def test_a_single_page_has_no_pager_and_a_given_query_wins():
    request = RequestFactory().get("/x/", {"q": "ignored"})
    assert render_to_string("web/partials/pager.html", {"page": Paginator(range(10), 50).get_page(1)},
                            request=request).strip() == ""
    page = Paginator(range(120), 50).get_page(1)
    html = render_to_string("web/partials/pager.html", {"page": page, "query": "start=2026-01-01"}, request=request)
    assert 'href="?start=2026-01-01&amp;page=2"' in html and "ignored" not in html
