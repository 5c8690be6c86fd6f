"""What a response may not contain, and how to read every kind of body the system sends."""

import io
import json
import re
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.test import Client

from tests.security.conftest import Info, World, expected_visible, relation

PETITION_ID_KEYS = ("petition_id", "matter_id", "first_petition_id")


@dataclass(frozen=True)
class Forbidden:
    """The traces of every petition a user may not see: number, summary words, petitioner, id."""

    tokens: tuple[tuple[str, str], ...]  # (petition key, text)
    ids: dict[int, str]  # petition id -> key

    def hits(self, text: str) -> list[str]:
        return sorted({f"{key}:{token}" for key, token in self.tokens if token in text}
                      | {f"{key}:/petitions/{pk}/" for pk, key in self.ids.items() if f"/petitions/{pk}/" in text})


_forbidden_cache: dict[tuple[int, int], Forbidden] = {}


def visible_keys(world: World, user) -> set[str]:
    return {key for key, info in world.petitions.items() if expected_visible(world, user, info)}


def forbidden_for(world: World, user) -> Forbidden:
    cache_key = (id(world), user.pk)
    if cache_key not in _forbidden_cache:
        visible = visible_keys(world, user)
        seen_people = {pid for key in visible for pid in world.petitions[key].petitioner_ids}
        tokens, ids = [], {}
        for key, info in world.petitions.items():
            if key in visible:
                continue
            tokens += [(key, info.number), (key, info.marker)]
            ids[info.pk] = key
            for person, pid in zip(info.people, info.petitioner_ids, strict=True):
                if pid not in seen_people:  # the same person on a visible petition is shown (masked) there
                    tokens += [(key, person.name), (key, person.id_number)]
        _forbidden_cache[cache_key] = Forbidden(tuple(tokens), ids)
    return _forbidden_cache[cache_key]


def json_petition_ids(value) -> set[int]:
    """Petition ids anywhere in an API answer: id-named fields, and `id` of any object with a `number`."""
    found: set[int] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key in PETITION_ID_KEYS and isinstance(item, int):
                found.add(item)
            elif key == "id" and "number" in value and isinstance(item, int):
                found.add(item)
            else:
                found |= json_petition_ids(item)
    elif isinstance(value, list):
        for item in value:
            found |= json_petition_ids(item)
    return found


def xlsx_text(data: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True)
    cells = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            cells.extend(str(value) for value in row if value is not None)
    return "\n".join(cells)


def docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = "".join(archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".xml"))
    return re.sub(r"<[^>]+>", "", xml)


@dataclass
class Body:
    status: int
    text: str
    data: object = None  # parsed JSON, if the body was JSON


def read(response) -> Body:
    raw = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    content_type = response.get("Content-Type", "")
    if "spreadsheetml" in content_type:
        return Body(response.status_code, xlsx_text(raw))
    if "wordprocessingml" in content_type:
        return Body(response.status_code, docx_text(raw))
    if "json" in content_type:
        data = json.loads(raw or b"null")
        return Body(response.status_code, json.dumps(data, ensure_ascii=False), data)
    return Body(response.status_code, raw.decode("utf-8", errors="replace"))


def assert_no_leak(world: World, user, body: Body, where: str) -> None:
    forbidden = forbidden_for(world, user)
    hits = forbidden.hits(body.text)
    if body.data is not None:
        hits += [f"{forbidden.ids[pk]}:id {pk}" for pk in json_petition_ids(body.data) if pk in forbidden.ids]
    assert not hits, f"{where}: {user.username} is shown petitions it may not see: {hits}"


def describe(world: World, user, info: Info) -> str:
    org = world.org_by_pk[user.org_id] if user.org_id else None
    return (f"{user.username} ({org.get_kind_display() if org else '无机构'}, {relation(world, user, info)}) "
            f"→ {info.key} {info.number}")


def web_client(world: World, user_key: str) -> Client:
    client = Client()
    if user_key in world.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[user_key]
    else:
        client.force_login(world.users[user_key])
    return client


def api_client(world: World, user_key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {world.tokens[user_key]}")
