"""Every response of the app is uncacheable and carries the CSP and the other security headers."""

import re
from pathlib import Path

import pytest
from django.test import override_settings

import xinfang
from tests.conftest import petition_input
from xinfang.api.services import api_token_create
from xinfang.petitions.services import petition_register


@pytest.fixture
def petition(district, category):
    petition, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                    actor=district.clerk)
    return petition


def _assert_not_stored(response) -> None:
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response["Pragma"] == "no-cache"


def test_the_revealed_personal_data_is_not_cached(client, district, petition):
    client.force_login(district.clerk)
    petitioner = petition.parties.get().petitioner
    response = client.post(f"/petitions/{petition.pk}/petitioners/{petitioner.pk}/reveal/",
                           {"reason": "电话回访核实身份"})
    assert response.status_code == 200 and "13812345678" in response.content.decode()
    _assert_not_stored(response)


def test_a_case_page_the_list_and_the_login_page_are_not_cached(client, district, petition):
    _assert_not_stored(client.get("/login/"))
    client.force_login(district.clerk)
    _assert_not_stored(client.get(f"/petitions/{petition.pk}/"))
    _assert_not_stored(client.get("/petitions/"))


def test_an_export_is_not_cached(client, district, petition):
    client.force_login(district.clerk)
    response = client.get("/petitions/export/")
    assert response.status_code == 200
    _assert_not_stored(response)


def test_api_answers_are_not_cached(client, district, petition):
    # Token auth works beside django-axes (it never goes through django.contrib.auth.authenticate).
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=district.clerk)}"}
    response = client.get(f"/api/v1/petitions/{petition.number}", **auth)
    assert response.status_code == 200
    _assert_not_stored(response)
    _assert_not_stored(client.get("/api/v1/petitions"))  # refused (401) is not cached either


@override_settings(STATIC_URL="/static/")
def test_static_files_are_left_to_their_own_caching(client):
    response = client.get("/static/xinfang/app.css")
    assert "no-store" not in response.get("Cache-Control", "")


def test_pages_carry_a_strict_content_security_policy(client, district, petition):
    client.force_login(district.clerk)
    response = client.get(f"/petitions/{petition.pk}/")
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"].split()[0] == "'self'" and "'unsafe-inline'" not in policy["script-src"]
    assert policy["style-src"].split()[0] == "'self'" and "'unsafe-inline'" not in policy["style-src"]
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert policy["base-uri"] == "'self'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_only_the_api_docs_page_gets_the_looser_policy(client):
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    # Swagger UI is served locally (tests/api/test_docs_local.py): only its data: icons are allowed beyond the rest.
    assert "img-src 'self' data:" in docs["Content-Security-Policy"]
    assert "'unsafe-inline'" not in docs["Content-Security-Policy"]
    assert "data:" not in client.get("/api/v1/openapi.json")["Content-Security-Policy"]
    assert "data:" not in client.get("/login/")["Content-Security-Policy"]


def test_no_template_has_an_inline_script_style_or_handler():
    """The CSP would block them in the browser; keep them in static files."""
    inline = re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>|<style\b|\sstyle=\"|\son[a-z]+=\"")
    offenders = [f"{path}: {match.group(0)}"
                 for path in Path(xinfang.__file__).parent.glob("*/templates/**/*.html")
                 for match in inline.finditer(path.read_text(encoding="utf-8"))]
    assert offenders == []
