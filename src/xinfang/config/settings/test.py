"""Test settings: fast hashing, temporary media, a fixed data key."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
XINFANG_DATA_KEY = "test-data-key-not-secret"
XINFANG_AUDIT_KEY = "test-audit-key-not-secret"
XINFANG_AUDIT_ANCHOR_DIR = Path(tempfile.mkdtemp(prefix="xinfang-test-anchors-"))
# Off: the anchor folder outlives each test's database, so one test's checkpoints would be "missing" events in
# the next. tests/audit turn it on, each test with a folder of its own.
XINFANG_AUDIT_CHECKPOINT_EVERY = 0
SECRET_KEY = "test-secret-key-not-secret"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="xinfang-test-media-"))
STORAGES = {
    "default": {"BACKEND": "xinfang.petitions.storage.DurableFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared-cache memory: concurrency tests and the live server need real
    # SQLite locking (WAL + busy timeout), as in production on a single machine.
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.mkdtemp(prefix="xinfang-test-db-")) / "test.sqlite3")}  # noqa: F405
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="xinfang-test-static-"))
XINFANG_POLICY_FILE = ""  # the shipped defaults: tests and docs/RULES.md assume them
# Off: keeping the statistics rollup costs a query or more per saved petition, clock or rating; the rollup's
# own tests (tests/stats/test_rollup*.py) turn it on.
XINFANG_STATS_ROLLUP = False
# Tasks run at once in the test process; a test of the real worker sets XINFANG_TASK_BACKEND for its subprocess.
TASKS = {"default": {"BACKEND": env.str("XINFANG_TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")}}  # noqa: F405
EMAIL_BACKEND = env.str("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")  # noqa: F405
