"""Test settings: fast hashing, temporary media, a fixed data key."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
XINFANG_DATA_KEY = "test-data-key-not-secret"
SECRET_KEY = "test-secret-key-not-secret"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="xinfang-test-media-"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
