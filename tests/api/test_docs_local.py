"""/api/v1/docs serves Swagger UI from the app's own static files: no CDN, and the strict script/style policy."""

import re

import pytest
from django.contrib.staticfiles import finders
from playwright.sync_api import expect

from tests.web.conftest import chromium_page

# Every URL the page's markup loads or links: src="…" and href="…".
URL_ATTRIBUTE = re.compile(r"""\b(?:src|href)\s*=\s*["']([^"']+)["']""")


def _policy(response) -> dict[str, str]:
    directives = (part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";") if part.strip())
    return {name: value for name, value in directives}


def test_the_docs_page_loads_swagger_ui_from_the_apps_own_static_files(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    urls = URL_ATTRIBUTE.findall(html)
    assert any(url.endswith("swagger-ui-bundle.js") for url in urls)
    assert any(url.endswith("swagger-ui.css") for url in urls)
    # No external host: every address is a path on this site (no scheme, no //host).
    assert [url for url in urls if re.match(r"^(?:[a-z][a-z0-9+.-]*:|//)", url, re.IGNORECASE)] == []
    assert "cdn" not in html.lower() and "http://" not in html and "https://" not in html
    # ... and each of those files is one the site itself serves (collected by collectstatic).
    for url in urls:
        assert url.startswith("/static/"), url
        assert finders.find(url.removeprefix("/static/")) is not None, url


def test_the_docs_policy_allows_no_cdn_and_no_inline_code(client):
    policy = _policy(client.get("/api/v1/docs"))
    # Scripts and styles as strict as on every page: the site's own files (and the per-request nonce, if used).
    for directive in ("script-src", "style-src"):
        assert [token for token in policy[directive].split() if not token.startswith("'nonce-")] == ["'self'"]
    assert "https:" not in " ".join(policy.values()) and "cdn" not in " ".join(policy.values())
    # Only images are wider than elsewhere: swagger-ui.css draws its icons from data: URLs.
    assert policy["img-src"] == "'self' data:"
    assert _policy(client.get("/login/"))["img-src"] == "'self'"


@pytest.mark.browser
def test_swagger_ui_draws_the_api_in_a_browser_under_the_policy_without_leaving_the_site(live_server):
    refused: list[str] = []
    outside: list[str] = []
    with chromium_page(base_url=live_server.url, failure_name="api-docs-failure") as page:
        page.on("console", lambda message: "Content Security Policy" in message.text
                and refused.append(message.text))
        page.on("pageerror", lambda error: refused.append(f"script error: {error}"))
        page.on("request", lambda request: request.url.startswith(live_server.url)
                or request.url.startswith("data:") or outside.append(request.url))
        page.goto("/api/v1/docs")
        # Swagger UI ran: it fetched openapi.json and drew the title and the operations.
        expect(page.locator(".swagger-ui .info .title")).to_contain_text("法治信访")
        expect(page.locator(".opblock").first).to_be_visible()
    assert refused == []
    assert outside == []
