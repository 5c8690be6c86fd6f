"""Domain errors of the petitions app."""

from django.core.exceptions import ValidationError


class AttachmentRejected(ValidationError):
    """An upload is too large, of a type not allowed, or not what its name claims."""


class StorageFailed(ValidationError):
    """A file could not be written (the disk is full, or the storage refuses): nothing of the action is kept."""

    def __init__(self, name: str, error: OSError):
        full = getattr(error, "errno", None) == 28  # ENOSPC
        reason = "服务器存储空间已满" if full else "服务器无法写入文件"
        super().__init__({"attachments": [f"{reason}，附件“{name}”未能保存，本次操作未生效，已填写的内容请保留后重试；"
                                          "请联系系统管理员处理"]}, code="storage_full" if full else "storage_failed")
