"""Searches by a full ID number or phone: kept out of URLs, and audited (docs/SECURITY.md).

A URL ends up in the browser history, bookmarks, proxy and server logs and the Referer of the next
request, so a person's ID number or phone must not travel in one. The case list's search form is
POSTed; an ordinary search (a case number, words of the summary, a name) is redirected to a normal,
bookmarkable GET URL, but a full ID number or phone is kept in the session, encrypted, under a short
random key, and the URL only says `?s=<key>`. Each such search, and each identity look-up of the
registration form, writes an audit entry with the blind index and the masked value, never the number.
"""

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest, QueryDict

from xinfang.audit.services import audit_record
from xinfang.petitions import crypto
from xinfang.petitions.masking import mask_id_number, mask_phone
from xinfang.petitions.validators import normalize_id_number, normalize_phone

SESSION_KEY = "xinfang_identity_searches"
# Enough for the back button over a working day's searches; the oldest go first.
SEARCHES_KEPT = 20
AUDIT_ACTION = "petitions.search_identity"


@dataclass(frozen=True)
class Identity:
    kind: str  # "id_number" or "phone"
    value: str  # normalised, as the blind index was computed


def identity_in(text: str) -> Identity | None:
    """The full ID number or phone that the case list's search would match exactly; None for other text.

    The same test as the list's search (petitions.selectors): 18 characters whose first 17 are digits,
    or a phone of at least 7 digits.
    """
    compact = text.replace(" ", "")
    if len(compact) == 18 and compact[:17].isdigit():
        return Identity(kind="id_number", value=normalize_id_number(compact))
    phone = normalize_phone(compact)
    if phone.replace("-", "").isdigit() and len(phone) >= 7:
        return Identity(kind="phone", value=phone)
    return None


def identity_search_audit(*, actor, identity: Identity, via: str) -> None:
    """One audit entry for a search by this ID number or phone: who, where from, blind index and masked value."""
    masked = mask_id_number(identity.value) if identity.kind == "id_number" else mask_phone(identity.value)
    with transaction.atomic():
        audit_record(actor=actor, action=AUDIT_ACTION, data={
            "via": via, "kind": identity.kind, "index": crypto.blind_index(identity.value), "masked": masked,
        })


def search_keep(request: HttpRequest, text: str) -> str:
    """Keep a search text in the session (encrypted); return the short key the URL carries instead."""
    key = secrets.token_urlsafe(6)
    kept = dict(request.session.get(SESSION_KEY, {}))
    kept[key] = crypto.encrypt(text)
    while len(kept) > SEARCHES_KEPT:
        kept.pop(next(iter(kept)))
    request.session[SESSION_KEY] = kept
    return key


def search_kept(request: HttpRequest, key: str) -> str | None:
    """The search text kept under `key` in this session, or None (another session's key, or too old)."""
    token = request.session.get(SESSION_KEY, {}).get(key)
    return crypto.decrypt(token) if token else None


def list_query(request: HttpRequest) -> tuple[QueryDict, bool]:
    """The case list's filters from the URL, with a kept search (`s`) put back as `q`; and whether `s` was lost."""
    query = request.GET.copy()
    key = query.pop("s", [""])[-1]
    if not key:
        return query, False
    text = search_kept(request, key)
    if text is None:
        return query, True
    query["q"] = text
    return query, False


def list_redirect_query(request: HttpRequest, source: QueryDict) -> str:
    """The GET query for a submitted search: `q` as is, unless it is an ID number or phone (then kept, audited)."""
    query = source.copy()
    for name in ("csrfmiddlewaretoken", "cursor", "s"):
        query.pop(name, None)
    identity = identity_in(query.get("q", ""))
    if identity is not None:
        query["s"] = search_keep(request, query.pop("q")[-1])
        identity_search_audit(actor=request.user, identity=identity, via="petition-list")
    # Empty fields only clutter the URL.
    for name in [name for name, values in query.lists() if not any(values)]:
        query.pop(name)
    return query.urlencode()
