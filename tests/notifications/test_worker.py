"""The real worker (`xinfang db_worker`, then `xinfang worker`) killed in the middle of a scan: nothing is sent
twice, and the next worker raises what the killed one had not."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.notifications.worker_setup import PETITIONS

PROJECT = Path(__file__).resolve().parents[2]


def django(env, *args, **kwargs):
    return subprocess.run([sys.executable, "-m", "django", *args], env=env, cwd=PROJECT, capture_output=True,
                          text=True, timeout=180, check=False, **kwargs)


def count(db: Path, sql: str) -> int:
    with sqlite3.connect(db, timeout=20) as connection:
        return connection.execute(sql).fetchone()[0]


@pytest.mark.slow
def test_a_worker_killed_mid_scan_sends_nothing_twice(tmp_path):
    db = tmp_path / "worker.sqlite3"
    mail_dir = tmp_path / "mail"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "XINFANG_DATA_DIR": str(tmp_path / "data"),
           "DJANGO_SETTINGS_MODULE": "xinfang.config.settings.local", "XINFANG_ENV_FILE": "",
           "XINFANG_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
           "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": str(mail_dir)}
    env.pop("DEBUG", None)
    assert django(env, "migrate", "--verbosity", "0").returncode == 0
    setup = django(env, "shell", "-c", "from tests.notifications.worker_setup import build; build(pause=1.5)")
    assert setup.returncode == 0, setup.stderr
    assert "queued" in setup.stdout

    worker = subprocess.Popen([sys.executable, "-m", "django", "db_worker", "--no-reload", "--no-startup-delay",
                               "--interval", "0.2"], env=env, cwd=PROJECT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while count(db, "SELECT COUNT(*) FROM notifications_deadlinewarning") == 0:
            assert worker.poll() is None, "the worker ended before raising anything"
            assert time.monotonic() < deadline, "no warning raised by the worker"
            time.sleep(0.05)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    raised = count(db, "SELECT COUNT(*) FROM notifications_deadlinewarning")
    assert 1 <= raised < PETITIONS, raised  # killed mid-scan
    assert count(db, "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'") == 1
    assert not mail_dir.exists() or not any(mail_dir.iterdir())  # delivery comes after the warnings

    # A new worker: `xinfang worker` queues the periodic scan and runs what is ready, then (--batch) stops.
    rerun = django(env, "worker", "--batch", "--no-reload", "--no-startup-delay")
    assert rerun.returncode == 0, rerun.stderr
    assert "periodic deadline scan queued" in rerun.stdout
    assert count(db, "SELECT COUNT(*) FROM notifications_deadlinewarning") == PETITIONS
    assert count(db, "SELECT COUNT(*) FROM (SELECT clock_id, level FROM notifications_deadlinewarning "
                     "GROUP BY clock_id, level)") == PETITIONS
    assert count(db, "SELECT COUNT(*) FROM notifications_notification") == PETITIONS  # the supervisor, once each
    assert count(db, "SELECT COUNT(*) FROM notifications_notification WHERE delivered_at IS NULL") == 0
    # The next periodic scan waits in the queue; running the scan again raises and sends nothing.
    assert count(db, "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult WHERE status = 'READY' "
                     "AND task_path LIKE '%deadlines_scan_periodic'") == 1  # (the audit verification waits too)
    again = django(env, "deadlines", "scan")
    assert "预警 0 条，通知 0 条，发送 0 条" in again.stdout, again.stdout + again.stderr

    mails = "".join(path.read_text(encoding="utf-8") for path in mail_dir.iterdir())
    subjects = [line for line in mails.splitlines() if line.startswith("Subject:")]
    assert len(subjects) == PETITIONS, subjects
