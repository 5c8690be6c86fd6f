"""`xinfang keys rotate` killed with SIGKILL, twice (in the rows, then in the files), on a file-based SQLite
database: after each kill every value and file still opens, and a rerun finishes the job (issue 19, "Faults")."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import own_sqlite_file

XINFANG = str(Path(sys.executable).with_name("xinfang"))
OLD_KEY = "the-old-data-key-of-this-office-0123456789"
NEW_KEY = "the-new-data-key-of-this-office-9876543210"
PEOPLE = 3000
FILES = 120

# 3,000 petitioners under the old key (every third in the "v1:" format the code before key ids wrote, built
# here from its definition) and 120 sealed attachment files, on top of 20 seeded petitions and their events.
POPULATE = f"""
import base64, hashlib, os
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.db import connection
from xinfang.orgs.models import User
from xinfang.petitions import crypto
from xinfang.petitions.attachments import attachment_content
from xinfang.petitions.models import Attachment, Petition, Petitioner

def person(i):
    return f"轮换测试{{i:05d}}", f"11010119900101{{i:04d}}", f"139{{i:08d}}", f"清溪区测试村{{i}}号"

Petitioner.objects.bulk_create([
    Petitioner(name=name, id_number=number, phone=phone, address=address,
               id_number_index=crypto.blind_index(number), phone_index=crypto.blind_index(phone))
    for name, number, phone, address in map(person, range({PEOPLE}))], batch_size=500)
key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"xinfang-personal-data", info=b"aes-256-gcm").derive(
    {OLD_KEY!r}.encode())
def v1(text):
    nonce = os.urandom(12)
    return "v1:" + base64.b64encode(nonce + AESGCM(key).encrypt(nonce, text.encode(), None)).decode()
made = [pk for pk in Petitioner.objects.order_by("pk").values_list("pk", flat=True)][-{PEOPLE}:]
with connection.cursor() as cursor:
    for i, pk in enumerate(made):
        if i % 3 == 0:
            cursor.execute("UPDATE petitions_petitioner SET name=%s, id_number=%s, phone=%s, address=%s WHERE id=%s",
                           [*map(v1, person(i)), pk])
petition, user = Petition.objects.order_by("pk").first(), User.objects.order_by("pk").first()
for i in range({FILES}):
    data = f"附件材料 {{i}}".encode()
    sha = hashlib.sha256(data).hexdigest()
    attachment = Attachment(petition=petition, original_name=f"材料{{i}}.txt", content_type="text/plain",
                            size=len(data), sha256=sha, uploaded_by=user)
    attachment.file.save("x", attachment_content(data=data, sha256=sha), save=False)
    attachment.save()
print("populated")
"""

# Every value as the application reads it, checked against what was written; the status by key.
VERIFY = """
import json
from xinfang.audit.models import AuditEvent
from xinfang.operations.keys import keys_status
from xinfang.petitions import crypto
from xinfang.petitions.attachments import attachment_read
from xinfang.petitions.models import Attachment, Petition, PetitionEvent, Petitioner

def person(i):
    return f"11010119900101{i:04d}", f"139{i:08d}", f"清溪区测试村{i}号"

rows = list(Petitioner.objects.values_list("name", "id_number", "phone", "address", "id_number_index"))
made = [row for row in rows if row[0].startswith("轮换测试")]
wrong = [row[0] for row in made if tuple(row[1:4]) != person(int(row[0][4:]))]
found = sum(Petitioner.objects.filter(id_number_index=crypto.blind_index(person(i)[0])).count() for i in range(0, 3000, 97))
texts = len(list(Petition.objects.values_list("summary", "content", "demands")))
events = len(list(PetitionEvent.objects.values_list("note", "data")))
files = [attachment_read(a).decode() for a in Attachment.objects.order_by("pk")]
status = keys_status()
print(json.dumps({"people": len(made), "wrong": wrong, "found": found, "texts": texts, "events": events,
                  "files_ok": files == [f"附件材料 {i}" for i in range(len(files))], "files": len(files),
                  "pending": status.pending, "total": sum(status.counts.values()), "unreadable": status.unreadable,
                  "keys": sorted({key for _, _, _, key in status.counts}),
                  "algorithms": sorted({alg for _, _, alg, _ in status.counts}),
                  "audit": list(AuditEvent.objects.filter(action__startswith="operations.keys_rotate")
                                .order_by("pk").values_list("action", flat=True))}))
"""


def run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([XINFANG, *args], env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, f"xinfang {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def verify(env: dict[str, str]) -> dict:
    return json.loads(run(env, "shell", "-c", VERIFY).strip().splitlines()[-1])


def rotate_killed_at(env: dict[str, str], marker: str, after: int) -> subprocess.Popen:
    """Start `xinfang keys rotate` and SIGKILL it at its `after`-th progress line containing `marker`."""
    process = subprocess.Popen([XINFANG, "keys", "rotate", "--batch", "50", "--pause", "0.02"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = 0
    deadline = time.monotonic() + 240
    for line in process.stderr:  # blocks until a line, or EOF if the run ends first
        if marker in line:
            seen += 1
            if seen == after:
                process.send_signal(signal.SIGKILL)
                break
        assert time.monotonic() < deadline, "no progress from the rotation"
    process.wait(timeout=30)
    process.stdout.close()
    process.stderr.close()
    return process


@pytest.mark.slow
@own_sqlite_file
def test_a_rotation_killed_in_the_rows_and_in_the_files_leaves_everything_readable_and_a_rerun_finishes(tmp_path):
    # given: a database and files sealed under the old key
    base = {name: value for name, value in os.environ.items() if not name.startswith(("XINFANG_", "DJANGO_"))}
    env = {**base, "DJANGO_SETTINGS_MODULE": "xinfang.config.settings.local", "XINFANG_ENV_FILE": "",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'rotate.sqlite3'}", "XINFANG_DATA_DIR": str(tmp_path / "data"),
           "XINFANG_DATA_KEY": OLD_KEY}
    run(env, "migrate", "--verbosity", "0")
    run(env, "seed", "--petitions", "20", "--seed", "3")
    assert "populated" in run(env, "shell", "-c", POPULATE)
    before = verify(env)
    assert before["people"] == PEOPLE and not before["wrong"] and before["files"] == FILES and before["files_ok"]
    old_key_label = next(key for key in before["keys"] if "当前" in key)

    # when: the operator's configuration for the rotation (index key pinned, old key retired, SM4 chosen)
    rotating = {**env, "XINFANG_DATA_KEY": NEW_KEY, "XINFANG_RETIRED_DATA_KEYS": OLD_KEY,
                "XINFANG_INDEX_KEY": OLD_KEY, "XINFANG_CIPHER": "sm4-gcm"}
    killed = rotate_killed_at(rotating, "已处理 petitions_petitioner", after=8)
    assert killed.returncode == -signal.SIGKILL

    # then: every value still opens, some on the new key and some on the old one
    mid = verify(rotating)
    assert mid["people"] == PEOPLE and not mid["wrong"] and mid["files_ok"] and mid["unreadable"] == 0
    assert mid["texts"] == before["texts"] and mid["events"] == before["events"]
    assert mid["found"] == before["found"] > 0  # the blind indexes still find people by ID number
    assert 0 < mid["pending"] < mid["total"] == before["total"]
    assert any("当前" in key for key in mid["keys"]) and any("已退役" in key for key in mid["keys"])
    assert mid["audit"] == ["operations.keys_rotate_started"]  # the killed run is on the record

    # when: a rerun, killed among the files
    killed = rotate_killed_at(rotating, "已处理附件文件", after=1)
    assert killed.returncode == -signal.SIGKILL
    mid = verify(rotating)
    assert not mid["wrong"] and mid["files_ok"] and mid["files"] == FILES and 0 < mid["pending"] < FILES

    # when: a last run, to the end
    out = run(rotating, "keys", "rotate", "--batch", "50")
    assert "共重新加密" in out
    after = verify(rotating)
    assert after["people"] == PEOPLE and not after["wrong"] and after["files_ok"] and after["found"] == before["found"]
    assert after["pending"] == 0 and after["algorithms"] == ["sm4-gcm"]
    assert not list((tmp_path / "data" / "media").rglob("*.rekey"))  # no temporary left behind
    assert len(after["keys"]) == 1 and "当前" in after["keys"][0] and after["keys"][0] != old_key_label
    assert after["audit"] == ["operations.keys_rotate_started"] * 2 + ["operations.keys_rotate_started",
                                                                      "operations.keys_rotated"]
    # and the old key can go: everything opens without it
    done = verify({**rotating, "XINFANG_RETIRED_DATA_KEYS": ""})
    assert not done["wrong"] and done["files_ok"] and done["unreadable"] == 0
