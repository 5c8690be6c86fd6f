"""The secret that keys the text index's shingle hashes, derived from the data key (docs/SECURITY.md)."""

import hashlib
import hmac

from django.conf import settings


def index_secret() -> int:
    """64 bits derived from XINFANG_DATA_KEY for one purpose only: whoever holds the key can read the data
    anyway; whoever reads only the database cannot test a guessed phrase against the index."""
    digest = hmac.new(settings.XINFANG_DATA_KEY.encode(), b"xinfang.similarity.shingles.v1", hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "little")
