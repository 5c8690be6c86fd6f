"""Backup and restore of the database and the uploaded files (SQLite's online backup, or pg_dump/pg_restore),
with the audit chain verified after the restore."""

import io
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.conftest import petition_input
from xinfang.audit.models import AuditEvent
from xinfang.audit.services import audit_checkpoint
from xinfang.operations import backup as backup_module
from xinfang.operations.backup import BackupError, backup_create, backup_restore
from xinfang.petitions.models import Attachment, Petition
from xinfang.petitions.services import UploadInput, attachment_add, petition_register

# Committed data: pg_dump and SQLite's backup read what other connections see.
pytestmark = pytest.mark.django_db(transaction=True)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def isolated(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.XINFANG_AUDIT_ANCHOR_DIR = tmp_path / "anchors"
    return tmp_path


def test_a_restore_brings_back_the_data_and_the_files_and_the_chain_verifies(isolated, district, category):
    first, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                 actor=district.clerk)
    attachment_add(petition=first, actor=district.clerk, upload=UploadInput(name="材料.pdf", data=PDF))
    stored = Path(Attachment.objects.get().file.path)
    sealed = stored.read_bytes()
    archive = isolated / "backups" / "b.tar"
    result = backup_create(out=archive)
    assert result.files == 1 and result.audit_events == AuditEvent.objects.count()

    # afterwards: another matter, a checkpoint that names it, and the file lost
    petition_register(data=petition_input(locality=district.township_b, category=category), actor=district.clerk)
    audit_checkpoint()
    stored.unlink()
    with pytest.raises(BackupError, match="--force"):
        backup_restore(archive=archive)

    restored = backup_restore(archive=archive, force=True)
    assert list(Petition.objects.values_list("number", flat=True)) == [first.number]
    assert stored.read_bytes() == sealed and Attachment.objects.count() == 1
    assert restored.chain_intact and restored.report.checked == result.audit_events
    assert restored.lost_checkpoints == 1  # the checkpoint written after the backup names what was given up


def test_a_damaged_archive_is_refused_before_anything_is_restored(isolated, district, category):
    petition_register(data=petition_input(locality=district.township_a, category=category), actor=district.clerk)
    archive = isolated / "b.tar"
    backup_create(out=archive)
    damaged = isolated / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("database"):
                # Flipped, not zeroed: a database file's last page often ends in zeros already.
                data = data[:-100] + bytes(byte ^ 0xFF for byte in data[-100:])
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    petition_register(data=petition_input(locality=district.township_b, category=category), actor=district.clerk)
    with pytest.raises(CommandError, match="已损坏"):
        call_command("restore", str(damaged), "--force")
    assert Petition.objects.count() == 2  # untouched


def test_a_failed_backup_leaves_no_archive(isolated, district, monkeypatch):
    def broken(target):
        Path(target).write_bytes(b"half")
        raise BackupError("磁盘已满")

    monkeypatch.setattr(backup_module, "_dump_database", broken)
    out = isolated / "backups" / "b.tar"
    with pytest.raises(BackupError):
        backup_create(out=out)
    assert not out.exists() and list(out.parent.iterdir()) == []


def test_the_commands_report_what_they_did(isolated, district, category, capsys):
    petition_register(data=petition_input(locality=district.township_a, category=category), actor=district.clerk)
    archive = isolated / "b.tar"
    call_command("backup", "--out", str(archive))
    assert "备份完成" in capsys.readouterr().out
    call_command("restore", str(archive), "--force")
    out = capsys.readouterr().out
    assert "已恢复" in out and "审计链完好" in out
