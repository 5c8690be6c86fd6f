"""Encryption at rest (AES-256-GCM or SM4-GCM): personal data, accusations' text, attachment files; HMAC blind
indexes.

Keys are derived from settings.XINFANG_DATA_KEY with HKDF, one key per purpose and algorithm, so the
index key cannot decrypt and the encryption key cannot be probed through the index. Every ciphertext
written now names its algorithm and the id of the key that sealed it, so the key and the algorithm can be
changed (XINFANG_CIPHER, XINFANG_RETIRED_DATA_KEYS, `xinfang keys rotate`) while old data keeps opening:

- personal fields: "v2:<alg>:<key id>:" base64(nonce ‖ ciphertext ‖ tag); the older "v1:" names no key and
  is tried under the current key, then each retired one;
- confidential text: "xfenc2:<alg>:<key id>:" …; the older "xfenc1:<key id>:" is AES-256-GCM;
- attachment files: b"XFENC2\\n" + 1 byte alg + 4 bytes key id + nonce + ciphertext ‖ tag; b"XFENC1\\n" has
  no alg byte (AES-256-GCM).

<alg> is "a" (AES-256-GCM, 32-byte key) or "s" (SM4-GCM, GB/T 32907 with the GCM mode of RFC 8998, 16-byte
key). The header is part of the associated data, so neither the algorithm nor the key id can be swapped.
Blind indexes are keyed by XINFANG_INDEX_KEY (default: the data key), which a rotation never changes.
"""

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

LEGACY_PREFIX = "v1:"  # base64(nonce ‖ ciphertext ‖ tag), AES-256-GCM, no key id
PREFIX = "v2:"  # then "<alg>:<key id>:" and base64(nonce ‖ ciphertext ‖ tag)

AES, SM4 = "a", "s"
# XINFANG_CIPHER -> the algorithm letter written into each ciphertext.
CIPHERS = {"aes-256-gcm": AES, "sm4-gcm": SM4}
ALGORITHM_NAMES = {letter: name for name, letter in CIPHERS.items()}
_KEY_LENGTH = {AES: 32, SM4: 16}
_NONCE = 12
_TAG = 16
_KEY_ID_BYTES = 4


class UnknownKey(ValueError):
    """A ciphertext sealed under a key this installation does not have (current or retired)."""


@lru_cache(maxsize=64)
def _derive(secret: str, purpose: bytes, length: int = 32) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=b"xinfang-personal-data", info=purpose).derive(
        secret.encode("utf-8")
    )


def current_algorithm() -> str:
    """The letter of the algorithm new ciphertexts are sealed with (settings.XINFANG_CIPHER)."""
    name = getattr(settings, "XINFANG_CIPHER", "aes-256-gcm")
    try:
        return CIPHERS[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"XINFANG_CIPHER 只能是 {' 或 '.join(CIPHERS)}，现为 {name!r} (unknown cipher)") from None


class _SM4GCM:
    """SM4-GCM with AESGCM's interface (ciphertext ‖ 16-byte tag); cryptography has no SM4 AEAD class."""

    def __init__(self, key: bytes):
        self._key = key

    def _cipher(self, mode) -> Cipher:
        try:
            return Cipher(algorithms.SM4(self._key), mode)
        except UnsupportedAlgorithm as error:
            raise ImproperlyConfigured(
                "此服务器的 OpenSSL 不支持 SM4，不能使用 XINFANG_CIPHER=sm4-gcm (OpenSSL lacks SM4)") from error

    def encrypt(self, nonce: bytes, data: bytes, associated_data: bytes | None) -> bytes:
        encryptor = self._cipher(modes.GCM(nonce)).encryptor()
        if associated_data:
            encryptor.authenticate_additional_data(associated_data)
        sealed = encryptor.update(data) + encryptor.finalize()
        return sealed + encryptor.tag

    def decrypt(self, nonce: bytes, data: bytes, associated_data: bytes | None) -> bytes:
        if len(data) < _TAG:
            raise InvalidTag
        decryptor = self._cipher(modes.GCM(nonce)).decryptor()
        if associated_data:
            decryptor.authenticate_additional_data(associated_data)
        return decryptor.update(data[:-_TAG]) + decryptor.finalize_with_tag(data[-_TAG:])


def _aead(algorithm: str, key: bytes):
    if algorithm == AES:
        return AESGCM(key)
    if algorithm == SM4:
        return _SM4GCM(key)
    raise ValueError(f"unknown algorithm {algorithm!r}")


# --- keys: the current one, the retired ones, the index key ------------------------------------------------


def _secrets() -> list[str]:
    return [settings.XINFANG_DATA_KEY, *getattr(settings, "XINFANG_RETIRED_DATA_KEYS", ())]


def _key_id(secret: str) -> bytes:
    # A key's fingerprint, not the key: HKDF output for its own purpose cannot be turned into the others.
    return _derive(secret, b"key-id")[:_KEY_ID_BYTES]


def current_key_id() -> str:
    """Hex id of the key new ciphertexts are sealed under (recorded in each one)."""
    return _key_id(settings.XINFANG_DATA_KEY).hex()


def retired_key_ids() -> list[str]:
    """Hex ids of XINFANG_RETIRED_DATA_KEYS, in their order."""
    return [_key_id(secret).hex() for secret in getattr(settings, "XINFANG_RETIRED_DATA_KEYS", ())]


# One HKDF purpose per use and algorithm: the AES personal-data purpose keeps its historical name, so "v1:"
# and "v2:a:" values are read with the key they were always sealed with.
_PURPOSES = {
    "personal": {AES: b"aes-256-gcm", SM4: b"sm4-gcm personal-data"},
    "text": {AES: b"aes-256-gcm confidential-text", SM4: b"sm4-gcm confidential-text"},
    "file": {AES: b"aes-256-gcm attachment-file", SM4: b"sm4-gcm attachment-file"},
}


def _key_for(key_id: bytes, use: str, algorithm: str) -> bytes:
    for secret in _secrets():  # the current key first: a retired copy of it changes nothing
        if _key_id(secret) == key_id:
            return _derive(secret, _PURPOSES[use][algorithm], _KEY_LENGTH[algorithm])
    raise UnknownKey(f"sealed under key id {key_id.hex()}; the current key is {current_key_id()}")


def index_key_secret() -> str:
    """The secret of the blind indexes and the text index: XINFANG_INDEX_KEY, or the data key when unset.

    Pinned apart from the data key because the stored indexes cannot be recomputed without decrypting every
    row: set it to the data key's value before the first rotation, and never change it.
    """
    return getattr(settings, "XINFANG_INDEX_KEY", "") or settings.XINFANG_DATA_KEY


def _index_key() -> bytes:
    return _derive(index_key_secret(), b"hmac-blind-index")


def blind_index(value: str) -> str:
    """Deterministic keyed digest of a normalised value, for equality look-ups; '' for no value."""
    if value == "":
        return ""
    digest = hmac.new(_index_key(), value.encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:32]


@dataclass(frozen=True)
class Sealed:
    """What a stored value says about itself: its format, algorithm letter and key id ("" when unnamed)."""

    format: str
    algorithm: str
    key_id: str

    def is_current(self) -> bool:
        return (self.format in (PREFIX, TEXT_MARKER, FILE_MAGIC.decode("ascii"))
                and self.algorithm == current_algorithm() and self.key_id == current_key_id())


# --- personal data ------------------------------------------------------------------------------------------


def encrypt(plaintext: str) -> str:
    """Encrypt text; an empty string stays empty (nothing to protect, and it keeps NULL-free columns)."""
    if plaintext == "":
        return ""
    return _seal_string(plaintext, marker=PREFIX, use="personal", associated=b"")


def _seal_string(plaintext: str, *, marker: str, use: str, associated: bytes) -> str:
    # "<marker><alg>:<key id>:" + base64(nonce ‖ ciphertext ‖ tag); the header is authenticated with the data.
    algorithm = current_algorithm()
    key_id = _key_id(settings.XINFANG_DATA_KEY)
    header = f"{marker}{algorithm}:{key_id.hex()}:"
    nonce = os.urandom(_NONCE)
    sealed = _aead(algorithm, _key_for(key_id, use, algorithm)).encrypt(
        nonce, plaintext.encode("utf-8"), associated + header.encode("ascii"))
    return header + base64.b64encode(nonce + sealed).decode("ascii")


def _open_string(token: str, *, marker: str, use: str, associated: bytes) -> str:
    algorithm, key_id, body = token[len(marker):].split(":", 2)
    if algorithm not in _KEY_LENGTH:
        raise ValueError(f"unknown algorithm {algorithm!r}")
    header = token[:len(token) - len(body)]
    raw = base64.b64decode(body)
    return _aead(algorithm, _key_for(bytes.fromhex(key_id), use, algorithm)).decrypt(
        raw[:_NONCE], raw[_NONCE:], associated + header.encode("ascii")).decode("utf-8")


def _named(token: str, marker: str) -> Sealed:
    algorithm, key_id, _ = token[len(marker):].split(":", 2)
    if algorithm not in _KEY_LENGTH:
        raise ValueError(f"unknown algorithm {algorithm!r}")
    return Sealed(marker, algorithm, key_id)


def decrypt(token: str) -> str:
    if token == "":
        return ""
    if token.startswith(PREFIX):
        return _open_string(token, marker=PREFIX, use="personal", associated=b"")
    if token.startswith(LEGACY_PREFIX):
        raw = base64.b64decode(token[len(LEGACY_PREFIX):])
        # No key id: the current key, then each retired one (a rotation moves these to "v2:").
        for secret in _secrets():
            try:
                return AESGCM(_derive(secret, _PURPOSES["personal"][AES])).decrypt(
                    raw[:_NONCE], raw[_NONCE:], None).decode("utf-8")
            except InvalidTag:
                continue
        raise UnknownKey("a v1 ciphertext opens under none of the current or retired keys (or was altered)")
    raise ValueError("unknown ciphertext format")


def describe(token: str) -> Sealed | None:
    """The format, algorithm and key id of a personal-field value; None for ''."""
    if token == "":
        return None
    if token.startswith(PREFIX):
        return _named(token, PREFIX)
    if token.startswith(LEGACY_PREFIX):
        return Sealed(LEGACY_PREFIX, AES, "")
    raise ValueError("unknown ciphertext format")


def reencrypt(token: str) -> str | None:
    """The value sealed again under the current key and algorithm; None when it already is (or is '')."""
    found = describe(token)
    if found is None or found.is_current():
        return None
    return encrypt(decrypt(token))


# --- Confidential text and files (accusations, attachments) -------------------------------------------------
#
# Each purpose has its own HKDF-derived key, and the associated data says what the ciphertext is for, so a
# summary cannot be pasted into another column nor one attachment's file stand in for another's; a
# ciphertext under an unknown key fails with its key id named instead of "bad tag".

LEGACY_TEXT_MARKER = "xfenc1:"  # then "<key id>:" and base64(nonce ‖ ciphertext ‖ tag), AES-256-GCM
TEXT_MARKER = "xfenc2:"  # then "<alg>:<key id>:" and base64(nonce ‖ ciphertext ‖ tag)
LEGACY_FILE_MAGIC = b"XFENC1\n"  # then 4 bytes of key id, a 12-byte nonce, ciphertext ‖ tag (AES-256-GCM)
FILE_MAGIC = b"XFENC2\n"  # then 1 byte alg, 4 bytes of key id, a 12-byte nonce, ciphertext ‖ tag


def is_sealed_text(value: str) -> bool:
    return value.startswith((TEXT_MARKER, LEGACY_TEXT_MARKER))


def seal_text(plaintext: str, *, context: str) -> str:
    """Encrypt text for one purpose (`context`, e.g. "petitions.petition.summary"); '' stays ''."""
    if plaintext == "":
        return ""
    return _seal_string(plaintext, marker=TEXT_MARKER, use="text", associated=context.encode("utf-8"))


def open_text(token: str, *, context: str) -> str:
    """The plaintext of `seal_text`; raises on another context, a changed byte or an unknown key."""
    if token.startswith(TEXT_MARKER):
        return _open_string(token, marker=TEXT_MARKER, use="text", associated=context.encode("utf-8"))
    if not token.startswith(LEGACY_TEXT_MARKER):
        raise ValueError("not sealed text")
    key_hex, _, body = token[len(LEGACY_TEXT_MARKER):].partition(":")
    key_id = bytes.fromhex(key_hex)
    raw = base64.b64decode(body)
    return AESGCM(_key_for(key_id, "text", AES)).decrypt(
        raw[:_NONCE], raw[_NONCE:], context.encode("utf-8") + key_id).decode("utf-8")


def describe_text(token: str) -> Sealed | None:
    """The format, algorithm and key id of sealed text; None for plaintext (or '')."""
    if token.startswith(TEXT_MARKER):
        return _named(token, TEXT_MARKER)
    if token.startswith(LEGACY_TEXT_MARKER):
        return Sealed(LEGACY_TEXT_MARKER, AES, token[len(LEGACY_TEXT_MARKER):].partition(":")[0])
    return None


def reseal_text(token: str, *, context: str) -> str | None:
    """Sealed text sealed again under the current key and algorithm; None when it already is, or is plain."""
    found = describe_text(token)
    if found is None or found.is_current():
        return None
    return seal_text(open_text(token, context=context), context=context)


def is_sealed_file(data: bytes) -> bool:
    return data.startswith((FILE_MAGIC, LEGACY_FILE_MAGIC))


def seal_file(data: bytes, *, binding: str) -> bytes:
    """Encrypt a file's bytes; `binding` (the plaintext's SHA-256) must be given again to open it."""
    algorithm = current_algorithm()
    key_id = _key_id(settings.XINFANG_DATA_KEY)
    header = FILE_MAGIC + algorithm.encode("ascii") + key_id
    nonce = os.urandom(_NONCE)
    return header + nonce + _aead(algorithm, _key_for(key_id, "file", algorithm)).encrypt(
        nonce, data, header + binding.encode("ascii"))


def _file_header(sealed: bytes) -> tuple[bytes, str, bytes]:
    """(header, algorithm, key id) of a sealed file; raises ValueError when it is not one."""
    if sealed.startswith(FILE_MAGIC):
        start = len(FILE_MAGIC)
        algorithm = sealed[start:start + 1].decode("ascii", "replace")
        if algorithm not in _KEY_LENGTH:
            raise ValueError(f"unknown algorithm {algorithm!r}")
        header = sealed[:start + 1 + _KEY_ID_BYTES]
        return header, algorithm, header[start + 1:]
    if sealed.startswith(LEGACY_FILE_MAGIC):
        header = sealed[:len(LEGACY_FILE_MAGIC) + _KEY_ID_BYTES]
        return header, AES, header[len(LEGACY_FILE_MAGIC):]
    raise ValueError("not a sealed file")


def open_file(sealed: bytes, *, binding: str) -> bytes:
    """The bytes of `seal_file`; raises InvalidTag when the file was sealed for another binding or altered."""
    header, algorithm, key_id = _file_header(sealed)
    nonce = sealed[len(header):len(header) + _NONCE]
    return _aead(algorithm, _key_for(key_id, "file", algorithm)).decrypt(
        nonce, sealed[len(header) + _NONCE:], header + binding.encode("ascii"))


def describe_file(head: bytes) -> Sealed | None:
    """The format, algorithm and key id of a sealed file from its first bytes (12 suffice); None if plain."""
    try:
        header, algorithm, key_id = _file_header(head)
    except ValueError:
        return None
    return Sealed(header[:len(FILE_MAGIC)].decode("ascii"), algorithm, key_id.hex())


def reseal_file(sealed: bytes, *, binding: str) -> bytes | None:
    """A sealed file sealed again under the current key and algorithm; None when it already is, or is plain."""
    found = describe_file(sealed)
    if found is None or found.is_current():
        return None
    return seal_file(open_file(sealed, binding=binding), binding=binding)
