"""Every read path × every reader (one per kind of org, superusers inside orgs) × the petitions of the world.

A petition the reader may not see answers 404 (never 403), and its number, id, summary words and
petitioner appear in no body: not in a list, a search, an export, a chain, a candidate or a mass matter.
"""

import io
import json
import re

import pytest
from django.db.models import Q

from tests.security.conftest import CORE, PERIOD, READERS, TARGET_READERS, TARGETS, expected_visible
from tests.security.helpers import (
    Body,
    api_client,
    assert_no_leak,
    describe,
    read,
    visible_keys,
    web_client,
)
from xinfang.exchange.export import petitions_export
from xinfang.matching.models import MassCluster
from xinfang.orgs.models import User
from xinfang.petitions.models import Petition, PetitionType

WITH_NOTICE = {key for key, *_, then in CORE if then}


def _draft_query(info) -> dict:
    person = info.people[0]
    return {"summary": info.marker, "content": "", "petitioners-0-name": person.name,
            "petitioners-0-id_number": person.id_number, "locality": str(info.locality_id)}


# Each path: (how to ask, whether an invisible petition must answer 404, whether a visible one answers 200).
def _detail(w, key, info):
    return web_client(w, key).get(f"/petitions/{info.pk}/")


def _attachment(w, key, info):
    return web_client(w, key).get(f"/petitions/{info.pk}/attachments/{info.attachment_id}/")


def _notice(w, key, info):
    return web_client(w, key).get(f"/petitions/{info.pk}/notices/{info.notice_id}/docx/")


def _section(w, key, info):
    return web_client(w, key).get(f"/matching/petitions/{info.pk}/", HTTP_HX_REQUEST="true")


def _reveal(w, key, info):
    return web_client(w, key).post(f"/petitions/{info.pk}/petitioners/{info.petitioner_ids[0]}/reveal/",
                                   {"reason": "电话回访核实身份"})


def _search(w, key, text):
    """Searches are POSTed and redirected (an ID number never stays in the URL); the box echoes the text."""
    return web_client(w, key).post("/petitions/", {"q": text}, follow=True), text


def _search_number(w, key, info):
    return _search(w, key, info.number)


def _search_name(w, key, info):
    return _search(w, key, info.people[0].name)


def _search_id(w, key, info):
    return _search(w, key, info.people[0].id_number)


def _lookup(w, key, info):
    number = info.people[0].id_number
    return web_client(w, key).post("/petitions/lookup/", {"petitioners-0-id_number": number}), number


def _candidates_web(w, key, info):
    return web_client(w, key).get("/matching/candidates/", _draft_query(info))


def _candidates_draft_api(w, key, info):
    person = info.people[0]
    payload = {"text": info.marker, "people": [{"name": person.name, "id_number": person.id_number}],
               "locality": info.locality_id}
    return api_client(w, key).post("/api/v1/matching/candidates", json.dumps(payload),
                                   content_type="application/json")


def _api_get(w, key, info):
    return api_client(w, key).get(f"/api/v1/petitions/{info.number}")


def _api_chain(w, key, info):
    return api_client(w, key).get(f"/api/v1/matching/petitions/{info.pk}/chain")


def _api_candidates(w, key, info):
    return api_client(w, key).get(f"/api/v1/matching/petitions/{info.pk}/candidates")


NOT_FOUND, SHOWN, LISTED = "404", "200", "listed"
# name -> (ask, an invisible petition answers, a visible one answers)
PATHS = {
    "detail": (_detail, NOT_FOUND, SHOWN),
    "attachment": (_attachment, NOT_FOUND, SHOWN),
    "notice_docx": (_notice, NOT_FOUND, SHOWN),
    "repeat_section": (_section, NOT_FOUND, SHOWN),
    "reveal": (_reveal, NOT_FOUND, SHOWN),
    "search_number": (_search_number, SHOWN, LISTED),
    "search_name": (_search_name, SHOWN, LISTED),
    "search_id": (_search_id, SHOWN, LISTED),
    "identity_lookup": (_lookup, SHOWN, LISTED),
    "candidates_web": (_candidates_web, SHOWN, SHOWN),
    "candidates_api_draft": (_candidates_draft_api, SHOWN, SHOWN),
    "api_get": (_api_get, NOT_FOUND, SHOWN),
    "api_chain": (_api_chain, NOT_FOUND, SHOWN),
    "api_candidates": (_api_candidates, NOT_FOUND, SHOWN),
}


def _cases():
    for path in PATHS:
        for target in TARGETS:
            if path == "notice_docx" and target not in WITH_NOTICE:
                continue
            for reader in TARGET_READERS:
                yield pytest.param(path, reader, target, id=f"{path}-{reader}-{target}")


@pytest.mark.parametrize(("path", "reader", "target"), list(_cases()))
def test_a_petition_read_path(world, path, reader, target):
    user = world.user(reader)
    info = world.petitions[target]
    ask, when_hidden, when_visible = PATHS[path]
    visible = expected_visible(world, user, info)
    answer = ask(world, reader, info)
    response, echoed = answer if isinstance(answer, tuple) else (answer, None)
    body = read(response)
    if echoed:  # the user's own words, shown back in the search box, are no leak
        body.text = body.text.replace(echoed, "")
    where = f"{path}: {describe(world, user, info)}"
    assert_no_leak(world, user, body, where)
    if path in ("api_candidates", "candidates_api_draft") and body.status == 200:
        _assert_matter_sizes_count_only_visible(world, user, body.data, where)
    if path == "api_chain" and body.status == 200:
        _assert_the_visible_chain_has_a_first_petition(body.data, where)
    expectation = when_visible if visible else when_hidden
    if expectation == NOT_FOUND:
        assert body.status == 404, f"{where}: expected 404 (invisible), got {body.status}"
    elif expectation == SHOWN:
        if path == "notice_docx" and info.petition_type == PetitionType.ACCUSATION:
            # The letter names the accuser: refused until a second official approves (reveal_approvals).
            assert body.status == 403, f"{where}: an accusation's notice served without approval"
            return
        if path in ("reveal", "notice_docx") and user.is_superuser:
            # The reveal policy names roles; a superuser without them is not part of it. A notice names the
            # petitioner in full, so it follows the same policy (test_a_notice_follows_the_reveal_policy).
            return
        assert body.status == 200, f"{where}: expected 200 (visible), got {body.status}"
    else:
        assert body.status == 200, f"{where}: expected 200, got {body.status}"
        shown = info.number in body.text or f"/petitions/{info.pk}/" in body.text
        assert shown, f"{where}: a visible petition is missing from the result"


def _assert_matter_sizes_count_only_visible(world, user, data, where):
    """A candidate's matter size is a count of petitions: only those the reader may see."""
    by_pk = {info.pk: info for info in world.petitions.values()}
    for candidate in data["candidates"]:
        root = candidate["matter_id"]
        members = Petition.objects.filter(Q(pk=root) | Q(first_petition_id=root)).values_list("pk", flat=True)
        visible = sum(1 for pk in members if expected_visible(world, user, by_pk[pk]))
        assert candidate["matter_size"] == visible, (
            f"{where}: candidate {candidate['number']} says its matter has {candidate['matter_size']} petitions, "
            f"the reader may see {visible}")


def _assert_the_visible_chain_has_a_first_petition(data, where):
    """The chain as the reader sees it starts somewhere: a repeat whose first petition is hidden would say
    that the matter began with a petition the reader may not see (an accusation against them, say)."""
    firsts = [p["id"] for p in data["petitions"] if p["is_first"]]
    assert len(firsts) == 1 and data["first_petition_id"] == firsts[0], (
        f"{where}: the chain shown has first petitions {firsts}, first_petition_id {data['first_petition_id']}: "
        f"it points at a first petition the reader may not see")


# --- whole-world reads: lists, exports, mass matters, statistics pages ------------------------------------


def _numbers_shown(world, text: str) -> set[str]:
    return {key for key, info in world.petitions.items() if info.number in text}


def _web(path, **params):
    return lambda w, key: read(web_client(w, key).get(path, params))


def _export_service(w, key):
    out = io.BytesIO()
    petitions_export(out=out, fmt="jsonl", user=w.user(key), channel="web")
    return Body(200, out.getvalue().decode("utf-8"))


def _api_list(w, key):
    return read(api_client(w, key).get("/api/v1/petitions", {"limit": 200}))


STATS = {"start": PERIOD[0], "end": PERIOD[1]}
# name -> (ask, the exact set of visible petitions is listed)
WORLD_PATHS = {
    "list": (_web("/petitions/"), False),
    "list_accusations": (_web("/petitions/", petition_type=PetitionType.ACCUSATION), False),
    "export_web": (_web("/petitions/export/"), True),
    "export_service": (_export_service, True),
    "api_list": (_api_list, True),
    "cluster_list": (_web("/matching/clusters/"), False),
    "stats_dashboard": (_web("/stats/", **STATS), False),
    "stats_drilldown": (_web("/stats/indicators/registered/", **STATS), False),
    "stats_drilldown_export": (_web("/stats/indicators/registered/cases.xlsx", **STATS), False),
}


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("path", list(WORLD_PATHS))
def test_a_whole_world_read_path(world, path, reader):
    user = world.user(reader)
    ask, exact = WORLD_PATHS[path]
    body = ask(world, reader)
    where = f"{path}: {reader}"
    assert body.status == 200, f"{where}: got {body.status}"
    assert_no_leak(world, user, body, where)
    if exact:
        expected = visible_keys(world, user)
        shown = _numbers_shown(world, body.text)
        assert shown == expected, (f"{where}: missing {sorted(expected - shown)}, "
                                   f"shown without right {sorted(shown - expected)}")


def _visible_members(world, user, cluster):
    member_pks = set(cluster.members.values_list("petition_id", flat=True))
    return [info for info in world.petitions.values() if info.pk in member_pks and expected_visible(world, user, info)]


@pytest.mark.parametrize("reader", READERS)
def test_a_mass_matter_shows_only_what_the_reader_may_see(world, reader):
    user = world.user(reader)
    cluster = MassCluster.objects.get(pk=world.cluster_id)
    members = _visible_members(world, user, cluster)
    client = web_client(world, reader)
    detail = read(client.get(f"/matching/clusters/{cluster.pk}/"))
    assert_no_leak(world, user, detail, f"cluster_detail: {reader}")
    listing = read(client.get("/matching/clusters/"))
    row = re.search(rf'<a href="/matching/clusters/{cluster.pk}/">(.*?)</a></td>(.*?)</tr>', listing.text, re.S)
    assert (detail.status == 200) == (row is not None), f"{reader}: the list and the page disagree"
    if not members:
        assert detail.status == 404, f"cluster_detail: {reader} sees a mass matter of no visible petition"
    if row is None:
        return  # not a mass matter to this reader (too few visible petitioners): nothing of it is shown
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(2), re.S)
    counts = [int(cell) for cell in cells[2:5]]  # 件数 人数 人次
    people = {pid for info in members for pid in info.petitioner_ids}
    assert counts[:2] == [len(members), len(people)], (
        f"cluster_list: {reader} sees counts {counts[:2]} of a mass matter whose visible part is "
        f"{len(members)} petitions of {len(people)} petitioners: an invisible accusation is counted")


@pytest.mark.parametrize("reader", READERS)
def test_the_reader_matrix_is_exercised(world, reader):
    """Sanity of the world: every reader sees something."""
    assert visible_keys(world, User.objects.get(username=reader))
