"""Backups of the whole system and their restore: the database (SQLite's online backup API, or pg_dump's custom
format) and the uploaded files, in one .tar archive with a manifest of SHA-256 sums.

A backup is written to a temporary file beside its destination and renamed only when complete, so a killed
backup leaves no archive that looks whole. A restore checks every member against the manifest before touching
anything, refuses a database that already holds data unless told otherwise, and verifies the audit chain after:
checkpoints written after the backup (outside the database) show which events the restore gave up.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from xinfang.audit.models import AuditEvent
from xinfang.audit.selectors import AuditReport, audit_verify_report

FORMAT = 1
DATABASE_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# After restoring an older backup these are expected: the checkpoints outside the database name events it lost.
LOST_AFTER_BACKUP = ("checkpoint_missing", "head_behind_checkpoint")


class BackupError(Exception):
    pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_env() -> tuple[list[str], dict[str, str]]:
    params = connection.get_connection_params()
    args = ["--dbname", params.get("dbname") or params.get("database") or connection.settings_dict["NAME"]]
    for option, key in (("--host", "host"), ("--port", "port"), ("--username", "user")):
        if params.get(key):
            args += [option, str(params[key])]
    env = dict(os.environ)
    if params.get("password"):
        env["PGPASSWORD"] = str(params["password"])
    return args, env


def _dump_database(target: Path) -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)  # a consistent copy while the site keeps writing
        finally:
            destination.close()
    elif connection.vendor == "postgresql":
        args, env = _pg_env()
        run = subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target), *args],
                             env=env, capture_output=True, text=True, check=False)
        if run.returncode != 0:
            raise BackupError(f"pg_dump 失败：{run.stderr.strip()[:500]}")
    else:
        raise BackupError(f"不支持的数据库：{connection.vendor}")


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    files: int
    audit_events: int


def backup_create(*, out: Path) -> BackupResult:
    """Write the archive to `out` (complete or not at all)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".xinfang-backup-") as work:
        work_dir = Path(work)
        database = work_dir / DATABASE_MEMBER[connection.vendor]
        _dump_database(database)
        members = {database.name: _sha256(database)}
        files = sorted(path for path in media.rglob("*") if path.is_file()) if media.exists() else []
        for path in files:
            members[f"media/{path.relative_to(media).as_posix()}"] = _sha256(path)
        head = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        manifest = {"format": FORMAT, "created_at": timezone.now().isoformat(), "vendor": connection.vendor,
                    "audit_head": head, "audit_events": AuditEvent.objects.count(), "members": members}
        partial = work_dir / "archive.tar"
        with tarfile.open(partial, "w") as archive:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            archive.add(database, arcname=database.name)
            for path in files:
                archive.add(path, arcname=f"media/{path.relative_to(media).as_posix()}")
        with partial.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, out)  # atomic: a reader sees the old file or the whole new one
    return BackupResult(out, out.stat().st_size, len(files), manifest["audit_events"])


@dataclass
class RestoreResult:
    manifest: dict
    files: int
    report: AuditReport
    lost_checkpoints: int  # checkpoints after the backup: events written since then are gone

    @property
    def breaks(self) -> list:
        """The audit chain's real problems (not the events a restore to an earlier time gave up)."""
        return [problem for problem in self.report.problems if problem.kind not in LOST_AFTER_BACKUP]

    @property
    def chain_intact(self) -> bool:
        return not self.breaks


def _has_data() -> bool:
    from xinfang.petitions.models import Petition

    try:
        return Petition.objects.exists() or AuditEvent.objects.exists()
    except Exception:  # noqa: BLE001 — an empty database without tables holds no data
        return False


def _restore_database(path: Path, vendor: str) -> None:
    if vendor != connection.vendor:
        raise BackupError(f"备份来自 {vendor} 数据库，当前为 {connection.vendor}：请用对应数据库恢复")
    if vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)  # page by page into the live file, in one step
        finally:
            source.close()
        return
    args, env = _pg_env()
    run = subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", *args,
                          str(path)], env=env, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise BackupError(f"pg_restore 失败：{run.stderr.strip()[:500]}")


def backup_restore(*, archive: Path, force: bool = False) -> RestoreResult:
    """Check the archive whole, restore the database and the files, then verify the audit chain."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"没有备份文件 {archive}")
    if _has_data() and not force:
        raise BackupError("当前数据库已有数据；恢复会覆盖全部数据，确认后加 --force")
    with tempfile.TemporaryDirectory(prefix="xinfang-restore-") as work:
        work_dir = Path(work)
        try:
            with tarfile.open(archive) as tar:
                tar.extractall(work_dir, filter="data")  # refuses absolute paths, links out, devices
        except (tarfile.TarError, OSError) as error:
            raise BackupError(f"备份文件无法读取：{error}") from None
        try:
            manifest = json.loads((work_dir / "manifest.json").read_text())
        except (OSError, ValueError):
            raise BackupError("备份文件缺少有效的 manifest.json") from None
        if manifest.get("format") != FORMAT:
            raise BackupError(f"不认识的备份格式 {manifest.get('format')!r}")
        for name, digest in manifest["members"].items():
            path = work_dir / name
            if not path.is_file() or _sha256(path) != digest:
                raise BackupError(f"备份文件已损坏：{name} 与清单不符，未做任何恢复")
        _restore_database(work_dir / DATABASE_MEMBER[manifest["vendor"]], manifest["vendor"])
        media = Path(settings.MEDIA_ROOT)
        restored_media = work_dir / "media"
        files = 0
        if restored_media.exists():
            staging = media.with_name(media.name + ".restoring")
            shutil.rmtree(staging, ignore_errors=True)
            shutil.copytree(restored_media, staging)
            files = sum(1 for path in staging.rglob("*") if path.is_file())
            old = media.with_name(media.name + ".before-restore")
            shutil.rmtree(old, ignore_errors=True)
            if media.exists():
                media.rename(old)  # kept until the next restore, in case the operator wants it back
            staging.rename(media)
    report = audit_verify_report()
    lost = sum(1 for problem in report.problems if problem.kind == "checkpoint_missing")
    return RestoreResult(manifest, files, report, lost)
