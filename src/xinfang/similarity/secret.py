"""The secret that keys the text index's shingle hashes, derived from the index key (docs/SECURITY.md)."""

import hashlib
import hmac

from xinfang.petitions.crypto import index_key_secret


def index_secret() -> int:
    """64 bits derived from XINFANG_INDEX_KEY (default: the data key) for one purpose only: whoever holds the
    key can read the data anyway; whoever reads only the database cannot test a guessed phrase against the
    index. Not the data key itself, so rotating that key leaves the stored index valid."""
    digest = hmac.new(index_key_secret().encode(), b"xinfang.similarity.shingles.v1", hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "little")
