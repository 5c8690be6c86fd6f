"""Encryption at rest (AES-256-GCM): personal data, accusations' text, attachment files; HMAC blind indexes.

Keys are derived from settings.XINFANG_DATA_KEY with HKDF, one key per purpose, so the
index key cannot decrypt and the encryption key cannot be probed through the index.
Personal-data ciphertexts carry a version prefix ("v1:"); accusation text ("xfenc1:") and attachment
files (b"XFENC1") also carry the id of the key that sealed them, so the key can be rotated.
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


@lru_cache(maxsize=32)
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


# --- Confidential text and files (accusations, attachments), with a key id -------------------------------
#
# The personal-data format above ("v1:") names no key. These formats carry the id of the key that sealed
# them, so a rotation can add a new key and keep reading the old ones (XINFANG_RETIRED_DATA_KEYS) while a
# re-encryption runs; a ciphertext under an unknown key fails with its key id named instead of "bad tag".
# Each purpose has its own HKDF-derived key, and the associated data says what the ciphertext is for, so a
# summary cannot be pasted into another column nor one attachment's file stand in for another's.

TEXT_MARKER = "xfenc1:"  # then "<key id>:" and base64(nonce ‖ ciphertext ‖ tag)
FILE_MAGIC = b"XFENC1\n"  # then 4 bytes of key id, a 12-byte nonce, ciphertext ‖ tag
_NONCE = 12
_KEY_ID_BYTES = 4


class UnknownKey(ValueError):
    """A ciphertext sealed under a key this installation does not have (current or retired)."""


def _key_id(secret: str) -> bytes:
    # A key's fingerprint, not the key: HKDF output for its own purpose cannot be turned into the others.
    return _derive(secret, b"key-id")[:_KEY_ID_BYTES]


def _keys_by_id(purpose: bytes) -> dict[bytes, bytes]:
    secrets = [settings.XINFANG_DATA_KEY, *getattr(settings, "XINFANG_RETIRED_DATA_KEYS", ())]
    return {_key_id(secret): _derive(secret, purpose) for secret in reversed(secrets)}


def current_key_id() -> str:
    """Hex id of the key new ciphertexts are sealed under (recorded in each one)."""
    return _key_id(settings.XINFANG_DATA_KEY).hex()


def _key_for(key_id: bytes, purpose: bytes) -> bytes:
    key = _keys_by_id(purpose).get(key_id)
    if key is None:
        raise UnknownKey(f"sealed under key id {key_id.hex()}; the current key is {current_key_id()}")
    return key


_TEXT_PURPOSE = b"aes-256-gcm confidential-text"
_FILE_PURPOSE = b"aes-256-gcm attachment-file"


def is_sealed_text(value: str) -> bool:
    return value.startswith(TEXT_MARKER)


def seal_text(plaintext: str, *, context: str) -> str:
    """Encrypt text for one purpose (`context`, e.g. "petitions.petition.summary"); '' stays ''."""
    if plaintext == "":
        return ""
    key_id = _key_id(settings.XINFANG_DATA_KEY)
    nonce = os.urandom(_NONCE)
    sealed = AESGCM(_key_for(key_id, _TEXT_PURPOSE)).encrypt(
        nonce, plaintext.encode("utf-8"), context.encode("utf-8") + key_id)
    return f"{TEXT_MARKER}{key_id.hex()}:{base64.b64encode(nonce + sealed).decode('ascii')}"


def open_text(token: str, *, context: str) -> str:
    """The plaintext of `seal_text`; raises on another context, a changed byte or an unknown key."""
    if not is_sealed_text(token):
        raise ValueError("not sealed text")
    key_hex, _, body = token[len(TEXT_MARKER):].partition(":")
    key_id = bytes.fromhex(key_hex)
    raw = base64.b64decode(body)
    return AESGCM(_key_for(key_id, _TEXT_PURPOSE)).decrypt(
        raw[:_NONCE], raw[_NONCE:], context.encode("utf-8") + key_id).decode("utf-8")


def is_sealed_file(data: bytes) -> bool:
    return data.startswith(FILE_MAGIC)


def seal_file(data: bytes, *, binding: str) -> bytes:
    """Encrypt a file's bytes; `binding` (the plaintext's SHA-256) must be given again to open it."""
    key_id = _key_id(settings.XINFANG_DATA_KEY)
    header = FILE_MAGIC + key_id
    nonce = os.urandom(_NONCE)
    return header + nonce + AESGCM(_key_for(key_id, _FILE_PURPOSE)).encrypt(
        nonce, data, header + binding.encode("ascii"))


def open_file(sealed: bytes, *, binding: str) -> bytes:
    """The bytes of `seal_file`; raises InvalidTag when the file was sealed for another binding or altered."""
    if not is_sealed_file(sealed):
        raise ValueError("not a sealed file")
    start = len(FILE_MAGIC)
    key_id = sealed[start:start + _KEY_ID_BYTES]
    header = sealed[:start + _KEY_ID_BYTES]
    nonce = sealed[len(header):len(header) + _NONCE]
    return AESGCM(_key_for(key_id, _FILE_PURPOSE)).decrypt(
        nonce, sealed[len(header) + _NONCE:], header + binding.encode("ascii"))
