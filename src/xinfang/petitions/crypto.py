"""Field-level encryption of personal data (AES-256-GCM) and HMAC blind indexes for look-ups.

Keys are derived from settings.XINFANG_DATA_KEY with HKDF, one key per purpose, so the
index key cannot decrypt and the encryption key cannot be probed through the index.
Ciphertexts carry a version prefix ("v1:") so the scheme or key can be rotated later.
"""

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PREFIX = "v1:"


@lru_cache(maxsize=8)
def _derive(secret: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"xinfang-personal-data", info=purpose).derive(
        secret.encode("utf-8")
    )


def _encryption_key() -> bytes:
    return _derive(settings.XINFANG_DATA_KEY, b"aes-256-gcm")


def _index_key() -> bytes:
    return _derive(settings.XINFANG_DATA_KEY, b"hmac-blind-index")


def encrypt(plaintext: str) -> str:
    """Encrypt text; an empty string stays empty (nothing to protect, and it keeps NULL-free columns)."""
    if plaintext == "":
        return ""
    nonce = os.urandom(12)
    ciphertext = AESGCM(_encryption_key()).encrypt(nonce, plaintext.encode("utf-8"), None)
    return PREFIX + base64.b64encode(nonce + ciphertext).decode("ascii")


def decrypt(token: str) -> str:
    if token == "":
        return ""
    if not token.startswith(PREFIX):
        raise ValueError("unknown ciphertext format")
    raw = base64.b64decode(token[len(PREFIX):])
    return AESGCM(_encryption_key()).decrypt(raw[:12], raw[12:], None).decode("utf-8")


def blind_index(value: str) -> str:
    """Deterministic keyed digest of a normalised value, for equality look-ups; '' for no value."""
    if value == "":
        return ""
    digest = hmac.new(_index_key(), value.encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:32]
