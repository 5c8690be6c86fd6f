"""Faults (issue 19): a process killed with SIGKILL in the middle of an action or a backup leaves nothing
half-written; a full disk during an upload is a clear message and nothing saved.

The kill tests run the real command line on a file-based SQLite database of their own (as
tests/exchange/test_import_resilience.py does for an import, and tests/security/test_key_rotation_kill.py for a
key rotation) and kill it at a point where it has written but not committed.
"""

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import own_sqlite_file, petition_input
from xinfang.audit.models import AuditEvent
from xinfang.petitions.models import Attachment, Petition
from xinfang.petitions.services import UploadInput, petition_register
from xinfang.petitions.storage import PARTIAL_PREFIX

XINFANG = str(Path(sys.executable).with_name("xinfang"))


def run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([XINFANG, *args], env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, f"xinfang {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def shell(env: dict[str, str], code: str) -> str:
    return run(env, "shell", "-c", code).strip().splitlines()[-1]


def kill_when_ready(env: dict[str, str], *args: str) -> subprocess.Popen:
    """Start `xinfang …`, SIGKILL it as soon as it prints READY (it then sleeps inside its transaction)."""
    process = subprocess.Popen([XINFANG, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 240
    seen = []
    for line in process.stdout:
        seen.append(line)
        if "READY" in line:
            process.send_signal(signal.SIGKILL)
            break
        assert time.monotonic() < deadline, "the command never reached its kill point"
    process.wait(timeout=30)
    process.stdout.close()
    assert process.returncode == -signal.SIGKILL, "".join(seen)
    return process


@pytest.fixture
def district_db(tmp_path) -> dict[str, str]:
    """A file-based database with the demo district and 12 petitions (its superuser `admin`)."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'faults.sqlite3'}",
           "XINFANG_DATA_DIR": str(tmp_path / "data"), "DJANGO_SETTINGS_MODULE": "xinfang.config.settings.local"}
    run(env, "migrate", "--verbosity", "0")
    run(env, "seed", "--petitions", "12", "--seed", "3")
    return env


# A registered petition forwarded (转送), killed after every row of the action is written — the status
# change, its event, its clock, its notice and its audit event — but before the commit.
ACT_KILLED = """
import time
from xinfang.orgs.models import User
from xinfang.petitions.models import Petition
from xinfang.workflow import services
original = services.audit_record
def audit_then_stall(**kwargs):
    result = original(**kwargs)
    print("READY", flush=True)
    time.sleep(120)
    return result
services.audit_record = audit_then_stall
petition = Petition.objects.filter(pk={pk}).get()
services.petition_act(petition_id=petition.pk, action="forward", actor=User.objects.get(username="admin"),
                      values={{"handling_org": {township}}})
"""


@pytest.mark.slow
@own_sqlite_file
def test_an_action_killed_before_its_commit_leaves_the_case_as_it_was(district_db):
    env = district_db
    # A registered letter, forwarded (转送) to a township: status, event, clock, notice and audit rows.
    found = shell(env, "from xinfang.orgs.models import Org; from xinfang.petitions.models import Petition; "
                       "p = Petition.objects.filter(status='registered').order_by('pk').first(); "
                       "t = Org.objects.filter(kind='township').order_by('pk').first(); "
                       "print(p.pk, t.pk, p.status, p.events.count(), p.notices.count())")
    pk, township, status, events, notices = found.split()
    audit_before = shell(env, "from xinfang.audit.models import AuditEvent; print(AuditEvent.objects.count())")

    script = ACT_KILLED.format(pk=pk, township=township)
    kill_when_ready(env, "shell", "-c", script)

    after = shell(env, f"from xinfang.petitions.models import Petition; p = Petition.objects.get(pk={pk}); "
                       "print(p.status, p.events.count(), p.notices.count())")
    assert after == f"{status} {events} {notices}", "the killed action left part of itself behind"
    assert shell(env, "from xinfang.audit.models import AuditEvent; print(AuditEvent.objects.count())") \
        == audit_before
    assert "audit chain intact" in run(env, "audit", "verify")
    # And the same action, run again to the end, goes through: nothing was left locked or half-done.
    shell(env, script.replace("time.sleep(120)", "pass") + "\nprint('done')")
    assert shell(env, f"from xinfang.petitions.models import Petition; print(Petition.objects.get(pk={pk}).status)") \
        == "forwarded"


BACKUP_KILLED = """
import tarfile, time
from pathlib import Path
from xinfang.operations.backup import backup_create
original_add = tarfile.TarFile.add
def add_then_stall(self, *args, **kwargs):
    result = original_add(self, *args, **kwargs)
    print("READY", flush=True)
    time.sleep(120)
    return result
tarfile.TarFile.add = add_then_stall
backup_create(out=Path("{out}"))
"""


@pytest.mark.slow
@own_sqlite_file
def test_a_backup_killed_half_way_leaves_no_archive_and_the_old_one_whole(district_db, tmp_path):
    env = district_db
    out = tmp_path / "xinfang.tar"
    run(env, "backup", "--out", str(out))
    first = out.read_bytes()

    kill_when_ready(env, "shell", "-c", BACKUP_KILLED.format(out=out))

    assert out.read_bytes() == first, "a killed backup replaced the archive with part of itself"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(out.name) and p != out]
    # The surviving archive restores and its chain verifies.
    restored = {**env, "DATABASE_URL": f"sqlite:///{tmp_path / 'restored.sqlite3'}",
                "XINFANG_DATA_DIR": str(tmp_path / "restored-data")}
    output = run(restored, "restore", str(out))
    assert "审计" in output


# --- a full disk during an upload -------------------------------------------------------------------


def _full_disk_after(monkeypatch, good_writes: int) -> None:
    """The disk fills after `good_writes` files: the next fsync fails with ENOSPC, as a real full disk does."""
    calls = {"n": 0}
    real_fsync = os.fsync

    def fsync(fd):
        if os.path.isdir(f"/proc/self/fd/{fd}") or not os.readlink(f"/proc/self/fd/{fd}").rsplit("/", 1)[-1] \
                .startswith(PARTIAL_PREFIX):
            return real_fsync(fd)
        calls["n"] += 1
        if calls["n"] > good_writes:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)


def _media_files() -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


@pytest.mark.django_db(transaction=True)
def test_a_full_disk_during_registration_saves_nothing_and_says_so(district, category, monkeypatch):
    before_files, before_events = set(_media_files()), AuditEvent.objects.count()
    _full_disk_after(monkeypatch, good_writes=1)  # the first attachment is written, the second is not
    data = petition_input(locality=district.township_a, category=category, attachments=[
        UploadInput(name="一.txt", data="第一份材料".encode()), UploadInput(name="二.txt", data="第二份材料".encode())])

    with pytest.raises(Exception) as raised:
        petition_register(data=data, actor=district.clerk)

    assert "服务器存储空间已满" in str(raised.value) and "未能保存" in str(raised.value)
    assert Petition.objects.count() == 0 and Attachment.objects.count() == 0
    assert set(_media_files()) == before_files, "the first attachment's file outlived the rolled-back rows"
    assert AuditEvent.objects.count() == before_events


@pytest.mark.django_db(transaction=True)
def test_a_full_disk_on_the_registration_page_is_a_message_on_the_form(district, category, monkeypatch, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.web.test_register_view import form_data

    client.force_login(district.clerk)
    _full_disk_after(monkeypatch, good_writes=0)
    upload = SimpleUploadedFile("材料.txt", "材料内容".encode(), content_type="text/plain")
    response = client.post("/petitions/new/", {**form_data(district, category), "attachments": upload})

    page = response.content.decode()
    assert response.status_code == 200 and "服务器存储空间已满" in page and "材料.txt" in page
    assert Petition.objects.count() == 0 and not [p for p in _media_files() if PARTIAL_PREFIX in p.name]


# --- two writers on one case -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_officials_forwarding_one_case_at_once_lose_no_update(registered, actors, district):
    """Two reviewers press 转送 on the same case in the same instant, to different units: one wins whole, the
    other is refused (the case is no longer 已登记) — never two forwards, never a mix of the two."""
    import threading

    from django.db import connection

    from xinfang.petitions.models import Petition
    from xinfang.workflow.services import petition_act

    second = district.clerk
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def forward(name, actor, org):
        try:
            barrier.wait(timeout=10)
            petition_act(petition_id=registered.pk, action="forward", actor=actor, values={"handling_org": org.pk})
            outcomes[name] = "ok"
        except Exception as error:  # the loser's refusal, whatever its type, is its outcome
            outcomes[name] = type(error).__name__ + ": " + str(error)
        finally:
            connection.close()  # each thread's own connection

    threads = [threading.Thread(target=forward, args=("a", actors.reviewer, district.township_a)),
               threading.Thread(target=forward, args=("b", second, district.township_b))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(v == "ok" for v in outcomes.values()) == [False, True], outcomes
    winner = district.township_a if outcomes["a"] == "ok" else district.township_b
    petition = Petition.objects.get(pk=registered.pk)
    assert petition.status == "forwarded" and petition.handling_org_id == winner.pk
    assert petition.events.filter(kind="forward").count() == 1 and petition.notices.count() == 1
    loser = next(v for v in outcomes.values() if v != "ok")
    assert "database is locked" not in loser, loser  # refused by the rules, not by a lock timeout
