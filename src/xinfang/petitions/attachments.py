"""Checking uploads by their content, not by their name."""

import hashlib
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings

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
