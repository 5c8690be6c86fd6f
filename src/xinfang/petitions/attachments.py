"""Checking uploads by their content, not by their name; keeping their bytes encrypted at rest.

Every attachment file is stored sealed with AES-256-GCM (crypto.seal_file: per-file nonce, the key's id
in the header) and bound to the SHA-256 of its plaintext, which the attachment row keeps: a file copied
or moved onto another attachment's path does not open, and is refused rather than served.
"""

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path, PurePath

import filetype
from cryptography.exceptions import InvalidTag
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage

from xinfang.petitions import crypto
from xinfang.petitions.exceptions import AttachmentRejected

# MIME type detected from the bytes -> file-name extensions that may carry it.
ALLOWED_TYPES: dict[str, set[str]] = {
    "application/pdf": {"pdf"},
    "image/jpeg": {"jpg", "jpeg"},
    "image/png": {"png"},
    "image/gif": {"gif"},
    "image/webp": {"webp"},
    "image/tiff": {"tif", "tiff"},
    "image/bmp": {"bmp"},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {"docx"},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"xlsx"},
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": {"pptx"},
    "audio/mpeg": {"mp3"},
    "audio/x-wav": {"wav"},
    "audio/amr": {"amr"},
    "audio/mp4": {"m4a"},
    "video/mp4": {"mp4", "m4a"},
    "text/plain": {"txt"},
}


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int
    sha256: str


def _looks_like_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            data.decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


def check_upload(*, name: str, data: bytes) -> CheckedFile:
    """Refuse oversized files, unknown or dangerous content, and names that disguise the content."""
    limit = settings.XINFANG_ATTACHMENT_MAX_BYTES
    if len(data) > limit:
        raise AttachmentRejected(
            f"文件“{name}”大小为 {len(data) / 1048576:.1f} MB，超过上限 {limit / 1048576:.0f} MB",
            code="attachment_too_large",
        )
    if not data:
        raise AttachmentRejected(f"文件“{name}”是空文件", code="attachment_empty")
    kind = filetype.guess(data)
    if kind is not None:
        mime = kind.mime
    elif _looks_like_text(data):
        mime = "text/plain"
    else:
        mime = "application/octet-stream"
    extension = PurePath(name).suffix.lower().lstrip(".")
    allowed_extensions = ALLOWED_TYPES.get(mime)
    if allowed_extensions is None:
        raise AttachmentRejected(
            f"文件“{name}”的实际内容类型（{mime}）不允许上传；可上传 PDF、图片、Word/Excel 文档、音视频和纯文本",
            code="attachment_type",
        )
    if extension not in allowed_extensions:
        raise AttachmentRejected(
            f"文件“{name}”的扩展名与实际内容（{mime}）不符，已拒绝", code="attachment_disguised"
        )
    return CheckedFile(content_type=mime, size=len(data), sha256=hashlib.sha256(data).hexdigest())


class AttachmentTampered(Exception):
    """The stored file is not the one its attachment row describes (swapped, altered, or not sealed)."""


def attachment_content(*, data: bytes, sha256: str) -> ContentFile:
    """What is written to storage for an attachment whose plaintext has this SHA-256: the sealed bytes."""
    return ContentFile(crypto.seal_file(data, binding=sha256))


def attachment_read(attachment) -> bytes:
    """An attachment's plaintext bytes, after checking that the stored file is the one its row names."""
    with attachment.file.open("rb") as stored:
        sealed = stored.read()
    try:
        data = crypto.open_file(sealed, binding=attachment.sha256)
    except (InvalidTag, ValueError) as error:
        raise AttachmentTampered(f"附件 {attachment.pk} 的存储文件与登记记录不符") from error
    # The tag already proves it; the digest check also covers a row whose sha256 was edited to match.
    if hashlib.sha256(data).hexdigest() != attachment.sha256:
        raise AttachmentTampered(f"附件 {attachment.pk} 的内容与 SHA-256 不符")
    return data


def attachment_file_seal(*, storage: Storage, name: str, sha256: str) -> bool:
    """Encrypt one stored plaintext file in place (files stored before encryption); False if already sealed."""
    with storage.open(name, "rb") as stored:
        data = stored.read()
    if crypto.is_sealed_file(data):
        return False
    _replace(storage, name, crypto.seal_file(data, binding=sha256))
    return True


def attachment_file_unseal(*, storage: Storage, name: str, sha256: str) -> bool:
    """Decrypt one stored file in place (the migration's reverse); False if it was plaintext."""
    with storage.open(name, "rb") as stored:
        data = stored.read()
    if not crypto.is_sealed_file(data):
        return False
    _replace(storage, name, crypto.open_file(data, binding=sha256))
    return True


def _replace(storage: Storage, name: str, data: bytes) -> None:
    # Write beside, then rename over: a crash leaves the old file whole, never half a file.
    path = Path(storage.path(name))
    temporary = path.with_name(path.name + ".sealing")
    temporary.write_bytes(data)
    os.replace(temporary, path)
