"""The API for staff clients: scoped, expiring tokens; ETags and If-Match; the reads beside the petition."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.conftest import act
from xinfang.api.models import ApiToken
from xinfang.api.services import api_token_create, api_tokens_revoke
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create
from xinfang.stats.indicators import compute_totals
from xinfang.stats.selectors import stats_filters_parse, stats_query
from xinfang.workflow.models import Notice

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def bearer(user, **options):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, **options)}"}


def test_a_read_only_token_reads_and_is_refused_every_write_naming_the_scope(client, registered, actors, district):
    auth = bearer(actors.reviewer, scopes="read")
    assert client.get(f"/api/v1/petitions/{registered.number}", **auth).status_code == 200
    refused = client.post(f"/api/v1/petitions/{registered.pk}/actions/forward",
                          {"values": {"handling_org": district.township_a.pk}}, content_type="application/json",
                          **auth)
    assert refused.status_code == 403 and "'act'" in refused.json()["detail"]
    registered.refresh_from_db()
    assert registered.status == "registered" and registered.version == 1  # nothing changed
    create = client.post("/api/v1/petitions", {}, content_type="application/json", **auth)
    assert create.status_code == 403 and "'register'" in create.json()["detail"]


def test_expired_revoked_and_disabled_users_tokens_are_refused(client, registered, actors):
    url = f"/api/v1/petitions/{registered.number}"
    auth = bearer(actors.reviewer, days=1)
    assert client.get(url, **auth).status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(url, **auth).status_code == 401

    auth = bearer(actors.reviewer)
    assert api_tokens_revoke(user=actors.reviewer) == 1
    assert client.get(url, **auth).status_code == 401

    auth = bearer(actors.reviewer)
    actors.reviewer.is_active = False
    actors.reviewer.save(update_fields=["is_active"])
    assert client.get(url, **auth).status_code == 401


def test_bad_token_options_are_refused_with_their_reason(actors):
    with pytest.raises(Exception, match="unknown scope"):
        api_token_create(user=actors.reviewer, scopes="read,admin")
    with pytest.raises(Exception, match="1 to 365 days"):
        api_token_create(user=actors.reviewer, days=400)
    assert not ApiToken.objects.exists()


def test_the_token_command_creates_lists_and_revokes(actors, capsys):
    call_command("token", "create", "--user", actors.reviewer.username, "--scopes", "read", "--days", "7")
    token = capsys.readouterr().out.strip()
    assert token.startswith("xf_")
    call_command("token", "list", "--user", actors.reviewer.username)
    listed = capsys.readouterr().out
    assert "live" in listed and "scopes=read" in listed
    call_command("token", "revoke", "--user", actors.reviewer.username)
    assert "revoked 1" in capsys.readouterr().out


def test_etag_gives_304_while_unchanged_and_if_match_guards_an_action(client, registered, actors, district):
    auth = bearer(actors.reviewer)
    url = f"/api/v1/petitions/{registered.number}"
    first = client.get(url, **auth)
    tag = first["ETag"]
    assert tag == f'"p{registered.pk}-v1"'
    assert client.get(url, HTTP_IF_NONE_MATCH=tag, **auth).status_code == 304

    # someone else acts: the client's ETag is stale, so its action is refused and nothing happens
    act(registered, "forward", actors.reviewer, handling_org=district.township_a.pk)
    assert client.get(url, HTTP_IF_NONE_MATCH=tag, **auth).status_code == 200
    stale = client.post(f"/api/v1/petitions/{registered.pk}/actions/correct", {"values": {"reason": "错"}},
                        content_type="application/json", HTTP_IF_MATCH=tag, **auth)
    assert stale.status_code == 412 and "version 2" in stale.json()["detail"]
    registered.refresh_from_db()
    assert registered.status == "forwarded"

    head = actors.head
    auth_head = bearer(head)
    current = client.get(url, **auth_head)["ETag"]
    accepted = client.post(f"/api/v1/petitions/{registered.pk}/actions/accept", {"values": {}},
                           content_type="application/json", HTTP_IF_MATCH=current, **auth_head)
    assert accepted.status_code == 200, accepted.json()
    assert accepted["ETag"] == f'"p{registered.pk}-v3"' and accepted.json()["status"] == "accepted"

    disagree = client.post(f"/api/v1/petitions/{registered.pk}/actions/accept",
                           {"values": {}, "expected_version": 2}, content_type="application/json",
                           HTTP_IF_MATCH=accepted["ETag"], **auth_head)
    assert disagree.status_code == 422 and "disagree" in str(disagree.json()["errors"])


def test_history_deadlines_and_notices_read_as_the_case_page(client, registered, actors, district):
    act(registered, "forward", actors.reviewer, on=date(2026, 3, 3), handling_org=district.township_a.pk)
    auth = bearer(actors.reviewer)
    events = client.get(f"/api/v1/petitions/{registered.pk}/events", **auth).json()
    assert [event["kind"] for event in events] == ["registered", "forward"]
    assert events[1]["actor_org"] == district.office.name
    deadlines = client.get(f"/api/v1/petitions/{registered.pk}/deadlines", **auth).json()
    acceptance = next(row for row in deadlines if row["kind"] == "acceptance")
    assert (acceptance["org"], acceptance["stopped_on"], acceptance["label"]) == (
        district.township_a.name, None, "受理告知")
    notices = client.get(f"/api/v1/petitions/{registered.pk}/notices", **auth).json()
    notice = Notice.objects.get(petition=registered)
    assert [row["number"] for row in notices] == [notice.number]
    download = client.get(notices[0]["docx"], **auth)
    assert download.status_code == 200 and download["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument")
    # a statistician may read the matter but not the letter that names the petitioner in full
    statistician = user_create(username="stats-api", password="pw-123456", org=district.office,
                               roles=[Role.STATISTICIAN])
    assert client.get(notices[0]["docx"], **bearer(statistician)).status_code == 403


def test_another_townships_user_gets_404_on_every_read_of_the_petition(client, registered, actors, district):
    act(registered, "forward", actors.reviewer, handling_org=district.township_a.pk)
    auth = bearer(actors.other_township_head)
    for tail in ("events", "deadlines", "notices", "actions"):
        assert client.get(f"/api/v1/petitions/{registered.pk}/{tail}", **auth).status_code == 404, tail
    assert client.get(f"/api/v1/petitions/{registered.number}", **auth).status_code == 404


def test_the_inbox_orgs_and_categories_are_the_users_own(client, registered, actors, district, category):
    act(registered, "forward", actors.reviewer, handling_org=district.township_a.pk)
    inbox = client.get("/api/v1/inbox", **bearer(actors.head)).json()
    assert inbox["total"] == 1 and inbox["items"][0]["number"] == registered.number
    assert inbox["items"][0]["step"]
    assert client.get("/api/v1/inbox", **bearer(actors.other_township_head)).json() == {"total": 0, "items": []}
    names = {row["name"] for row in client.get("/api/v1/orgs", **bearer(actors.head)).json()}
    assert district.township_a.name in names and district.township_b.name not in names
    codes = [row["code"] for row in client.get("/api/v1/categories", **bearer(actors.head)).json()]
    assert category.code in codes


def test_the_figures_are_the_statistics_of_the_users_scope(client, registered, actors, district):
    response = client.get("/api/v1/stats/figures?start=2026-01-01&end=2026-12-31", **bearer(actors.reviewer))
    body = response.json()
    filters = stats_filters_parse(start="2026-01-01", end="2026-12-31")
    expected = compute_totals(stats_query(user=actors.reviewer, filters=filters))
    assert body["indicators"]["registered"]["value"] == str(expected["registered"].value) == "1"
    assert "prevention" in body["ledgers"]
    outside = client.get(f"/api/v1/stats/figures?org_id={district.township_b.pk}", **bearer(actors.head))
    assert outside.status_code == 403


def test_attachments_and_a_correction_through_the_api(client, registered, actors, district):
    from xinfang.petitions.services import UploadInput, attachment_add

    attachment_add(petition=registered, actor=district.clerk, upload=UploadInput(name="材料.pdf", data=PDF))
    auth = bearer(actors.reviewer)
    listed = client.get(f"/api/v1/petitions/{registered.pk}/attachments", **auth).json()
    assert [row["name"] for row in listed] == ["材料.pdf"]
    assert client.get(listed[0]["download"], **auth).getvalue() == PDF
    assert client.get(listed[0]["download"], **bearer(actors.other_township_head)).status_code == 404

    act(registered, "forward", actors.reviewer, handling_org=district.township_b.pk)
    tag = client.get(f"/api/v1/petitions/{registered.number}", **auth)["ETag"]
    corrected = client.post(f"/api/v1/petitions/{registered.pk}/correct", {"reason": "转送单位选错"},
                            content_type="application/json", HTTP_IF_MATCH=tag, **auth)
    assert corrected.status_code == 200, corrected.json()
    assert (corrected.json()["status"], corrected.json()["handling_org"]) == ("registered", None)
    again = client.post(f"/api/v1/petitions/{registered.pk}/correct", {"reason": "再改"},
                        content_type="application/json", HTTP_IF_MATCH=tag, **auth)
    assert again.status_code == 412
