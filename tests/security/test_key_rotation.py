"""Key rotation and the choice of cipher for data at rest (issue 19; docs/SECURITY.md, "Keys").

The world of tests/security (petitions, accusations, attachments, people with ID numbers) is rotated from the
test key to a new one; the old formats are written here independently of src/ (as the code before v2 wrote
them), so "old data still opens" is checked against what was really stored, not against the new code.
"""

import base64
import os
import shutil
import subprocess
import sys

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from xinfang.audit.models import AuditEvent
from xinfang.operations.keys import KeyRotationError, keys_rotate, keys_status
from xinfang.petitions import crypto
from xinfang.petitions.attachments import attachment_read
from xinfang.petitions.models import Attachment, Petition, PetitionEvent, Petitioner, PetitionType
from xinfang.petitions.selectors import PetitionFilters, petitions_filter

NEW_KEY = "a-new-data-key-after-rotation-0123456789"


# --- the formats written before v2, built from the spec, not from crypto.py ----------------------------------


def _hkdf(secret: str, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"xinfang-personal-data", info=info).derive(secret.encode())


def legacy_v1(plaintext: str, secret: str) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(_hkdf(secret, b"aes-256-gcm")).encrypt(nonce, plaintext.encode(), None)
    return "v1:" + base64.b64encode(nonce + sealed).decode()


def legacy_xfenc1(plaintext: str, secret: str, context: str) -> str:
    key_id = _hkdf(secret, b"key-id")[:4]
    nonce = os.urandom(12)
    sealed = AESGCM(_hkdf(secret, b"aes-256-gcm confidential-text")).encrypt(
        nonce, plaintext.encode(), context.encode() + key_id)
    return f"xfenc1:{key_id.hex()}:" + base64.b64encode(nonce + sealed).decode()


def legacy_file(data: bytes, secret: str, binding: str) -> bytes:
    header = b"XFENC1\n" + _hkdf(secret, b"key-id")[:4]
    nonce = os.urandom(12)
    return header + nonce + AESGCM(_hkdf(secret, b"aes-256-gcm attachment-file")).encrypt(
        nonce, data, header + binding.encode())


# --- fixtures ---------------------------------------------------------------------------------------------


@pytest.fixture
def own_media(settings, tmp_path):
    """A copy of the world's files: a rotation rewrites files on disk, which no savepoint rolls back."""
    copy = tmp_path / "media"
    shutil.copytree(settings.MEDIA_ROOT, copy)
    settings.MEDIA_ROOT = copy
    return copy


def rotate_settings(settings, *, cipher: str = "aes-256-gcm") -> str:
    """The operator's steps before `keys rotate`: pin the index key, retire the old key, set the new one."""
    old = settings.XINFANG_DATA_KEY
    settings.XINFANG_INDEX_KEY = old
    settings.XINFANG_RETIRED_DATA_KEYS = [old]
    settings.XINFANG_DATA_KEY = NEW_KEY
    settings.XINFANG_CIPHER = cipher
    return old


def raw_column(table: str, column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE {column} <> '' ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


def everything() -> dict:
    """Every encrypted value as the application reads it."""
    return {
        "petitioners": list(Petitioner.objects.order_by("pk").values_list("name", "id_number", "phone", "address")),
        "petitions": list(Petition.objects.order_by("pk").values_list("summary", "content", "demands")),
        "events": list(PetitionEvent.objects.order_by("pk").values_list("note", "data")),
        "files": [attachment_read(attachment) for attachment in Attachment.objects.order_by("pk")],
    }


# --- SM4-GCM is the algorithm it claims to be ------------------------------------------------------------


def test_sm4_gcm_gives_the_rfc_8998_appendix_a1_test_vector():
    """RFC 8998 A.1: the same bytes as the standard, so the 商用密码 setting really is SM4-GCM."""
    key = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
    nonce = bytes.fromhex("00001234567800000000ABCD")
    aad = bytes.fromhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2")
    plaintext = bytes.fromhex("AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD"
                              "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA")
    expected = bytes.fromhex("17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
                             "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"
                             "83DE3541E4C2B58177E065A9BF7B62EC")  # ciphertext ‖ tag
    cipher = crypto._aead(crypto.SM4, key)
    assert cipher.encrypt(nonce, plaintext, aad) == expected
    assert cipher.decrypt(nonce, expected, aad) == plaintext
    damaged = bytearray(expected)
    damaged[-1] ^= 1
    with pytest.raises(InvalidTag):
        cipher.decrypt(nonce, bytes(damaged), aad)


def test_the_sm4_setting_writes_s_ciphertexts_that_open(settings):
    settings.XINFANG_CIPHER = "sm4-gcm"
    key_id = crypto.current_key_id()
    personal = crypto.encrypt("110101199003071234")
    text = crypto.seal_text("举报某镇长", context="petitions.petition.summary")
    sealed_file = crypto.seal_file(b"%PDF-1.4 bytes", binding="ab" * 32)

    assert personal.startswith(f"v2:s:{key_id}:") and text.startswith(f"xfenc2:s:{key_id}:")
    assert sealed_file.startswith(b"XFENC2\ns" + bytes.fromhex(key_id))
    assert crypto.decrypt(personal) == "110101199003071234"
    assert crypto.open_text(text, context="petitions.petition.summary") == "举报某镇长"
    assert crypto.open_file(sealed_file, binding="ab" * 32) == b"%PDF-1.4 bytes"
    # A 16-byte SM4 key, not AES under another name: the same bytes do not open as AES-256-GCM.
    forged = personal.replace("v2:s:", "v2:a:", 1)
    with pytest.raises(InvalidTag):
        crypto.decrypt(forged)


def test_the_header_is_authenticated_so_neither_algorithm_nor_key_id_can_be_swapped(settings):
    token = crypto.encrypt("13812345678")
    settings.XINFANG_RETIRED_DATA_KEYS = ["another-key-0123456789abcdef0123"]
    other_id = crypto.retired_key_ids()[0]
    swapped = token.replace(crypto.current_key_id(), other_id, 1)
    with pytest.raises(InvalidTag):
        crypto.decrypt(swapped)


def test_an_unknown_cipher_setting_is_refused(settings):
    settings.XINFANG_CIPHER = "des"
    with pytest.raises(ImproperlyConfigured, match="XINFANG_CIPHER"):
        crypto.encrypt("张三")


@pytest.mark.parametrize(("variables", "message"), [
    ({"XINFANG_CIPHER": "rot13"}, "XINFANG_CIPHER 只能是"),
    ({"XINFANG_RETIRED_DATA_KEYS": "old-key-0123456789abcdef0123456789"}, "XINFANG_INDEX_KEY"),
])
def test_bad_key_settings_stop_the_start(tmp_path, variables, message):
    env = {name: value for name, value in os.environ.items() if not name.startswith(("XINFANG_", "DJANGO_"))}
    env.update(DJANGO_SETTINGS_MODULE="xinfang.config.settings.local", XINFANG_ENV_FILE="",
               XINFANG_DATA_DIR=str(tmp_path), **variables)
    done = subprocess.run([sys.executable, "-m", "xinfang.cli", "check"], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr and message in done.stderr


# --- old formats keep opening ------------------------------------------------------------------------------


def test_a_v1_value_opens_under_the_current_key_and_under_a_retired_one(settings):
    old = settings.XINFANG_DATA_KEY
    token = legacy_v1("清溪区青石镇桃源村3组", old)
    assert crypto.decrypt(token) == "清溪区青石镇桃源村3组"

    rotate_settings(settings)
    assert crypto.decrypt(token) == "清溪区青石镇桃源村3组"  # tried under the retired key
    settings.XINFANG_RETIRED_DATA_KEYS = []
    with pytest.raises(crypto.UnknownKey):
        crypto.decrypt(token)


def test_old_text_and_file_formats_still_open(settings):
    old = settings.XINFANG_DATA_KEY
    text = legacy_xfenc1("举报内容", old, "petitions.petition.content")
    sealed = legacy_file(b"file bytes", old, "cd" * 32)
    rotate_settings(settings, cipher="sm4-gcm")
    assert crypto.is_sealed_text(text) and crypto.is_sealed_file(sealed)
    assert crypto.open_text(text, context="petitions.petition.content") == "举报内容"
    assert crypto.open_file(sealed, binding="cd" * 32) == b"file bytes"


# --- the rotation ------------------------------------------------------------------------------------------


def test_rotation_moves_every_value_and_file_to_the_new_key_and_all_still_reads(settings, own_media, world):
    # given: the world under the test key, plus one petitioner and one accusation stored in the old formats
    old = settings.XINFANG_DATA_KEY
    legacy_person = Petitioner.objects.order_by("pk").first()
    accusation = Petition.objects.filter(petition_type=PetitionType.ACCUSATION).order_by("pk").first()
    attachment = Attachment.objects.order_by("pk").first()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE petitions_petitioner SET address = %s WHERE id = %s",
                       [legacy_v1("旧格式的住址", old), legacy_person.pk])
        cursor.execute("UPDATE petitions_petition SET demands = %s WHERE id = %s",
                       [legacy_xfenc1("旧格式的诉求", old, "petitions.petition.demands"), accusation.pk])
    plain = attachment_read(attachment)
    path = own_media / attachment.file.name
    path.write_bytes(legacy_file(plain, old, attachment.sha256))
    before = everything()
    old_id = crypto.current_key_id()
    person = next(info for info in world.petitions.values() if info.people and info.people[0].id_number)

    # when
    rotate_settings(settings, cipher="sm4-gcm")
    pending = keys_status().pending
    result = keys_rotate(batch=7)

    # then: every value was rewritten once, under the new key and SM4, and reads as before
    new_id = crypto.current_key_id()
    assert pending == result.total > len(before["petitioners"]) and not result.failures
    assert everything() == before
    assert before["petitioners"][0][3] == "旧格式的住址"
    for table, column in (("petitions_petitioner", "name"), ("petitions_petitioner", "address"),
                          ("petitions_petitioner", "id_number")):
        assert all(value.startswith(f"v2:s:{new_id}:") for value in raw_column(table, column))
    sealed_texts = [value for value in raw_column("petitions_petition", "demands") if crypto.is_sealed_text(value)]
    assert sealed_texts and all(value.startswith(f"xfenc2:s:{new_id}:") for value in sealed_texts)
    assert all((own_media / a.file.name).read_bytes().startswith(b"XFENC2\ns" + bytes.fromhex(new_id))
               for a in Attachment.objects.all())
    status = keys_status()
    assert status.pending == 0 and {key for _, _, _, key in status.counts} == {f"{new_id}（当前）"}
    # the blind indexes were not touched and still find the person by ID number
    assert status.index_checked and status.index_mismatched == 0
    found = petitions_filter(queryset=Petition.objects.all(), filters=PetitionFilters(text=person.people[0].id_number))
    assert person.pk in set(found.values_list("pk", flat=True))
    # audited: the start and the end, with what was rewritten
    started, finished = AuditEvent.objects.filter(action__startswith="operations.keys_rotate").order_by("pk")
    assert started.action == "operations.keys_rotate_started" and started.data["retired_key_ids"] == [old_id]
    assert finished.action == "operations.keys_rotated" and sum(finished.data["rewritten"].values()) == result.total

    # a second run finds nothing to do; the retired key is then no longer needed
    assert keys_rotate(batch=500).total == 0
    settings.XINFANG_RETIRED_DATA_KEYS = []
    assert everything() == before


def test_the_command_prints_status_and_rotates(settings, own_media, capsys):
    rotate_settings(settings)
    call_command("keys", "status")
    out = capsys.readouterr().out
    assert "petitions_petitioner.id_number\tv2:\taes-256-gcm" in out and "（已退役）" in out

    call_command("keys", "rotate", "--batch", "50")
    assert "共重新加密" in capsys.readouterr().out
    call_command("keys", "status")
    assert "待重新加密 0 个" in capsys.readouterr().out


def test_rotation_refuses_without_a_pinned_index_key_and_changes_nothing(settings, own_media):
    before = raw_column("petitions_petitioner", "id_number")
    events = AuditEvent.objects.count()
    rotate_settings(settings)
    settings.XINFANG_INDEX_KEY = ""

    with pytest.raises(KeyRotationError, match="XINFANG_INDEX_KEY"):
        keys_rotate()
    assert raw_column("petitions_petitioner", "id_number") == before and AuditEvent.objects.count() == events


def test_rotation_refuses_an_index_key_the_indexes_were_not_made_with(settings, own_media):
    before = raw_column("petitions_petitioner", "id_number")
    rotate_settings(settings)
    settings.XINFANG_INDEX_KEY = NEW_KEY  # the operator pinned the new key instead of the old one

    with pytest.raises(CommandError, match="证件号码索引"):
        call_command("keys", "rotate")
    assert raw_column("petitions_petitioner", "id_number") == before


def test_a_value_under_a_key_no_longer_configured_is_reported_not_lost(settings, own_media):
    person, other = Petitioner.objects.order_by("pk")[:2]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE petitions_petitioner SET phone = %s WHERE id = %s",
                       [crypto.encrypt("13900000000").replace(crypto.current_key_id(), "deadbeef"), person.pk])
        # and one written around the field, in plaintext
        cursor.execute("UPDATE petitions_petitioner SET phone = %s WHERE id = %s", ["13900000001", other.pk])
    rotate_settings(settings)

    result = keys_rotate()
    assert result.failures == [f"petitions_petitioner.phone id={person.pk}: UnknownKey",
                               f"petitions_petitioner.phone id={other.pk}: ValueError"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM petitions_petitioner WHERE id IN (%s, %s) ORDER BY id", [person.pk, other.pk])
        kept = [row[0] for row in cursor.fetchall()]
    assert "deadbeef" in kept[0] and kept[1] == "13900000001"  # left as they were, for a rerun
    assert keys_status().unreadable == 2
    with pytest.raises(CommandError, match="2 个值无法解密"):
        call_command("keys", "rotate")
