"""Imports from the upload page, run in the background with a progress bar (docs/IMPORT.md, "上传页面").

A job is an `ImportJob` row and the uploaded file under DATA_DIR/imports. `import_job_submit` stores both
and starts the job once the row is committed: in a daemon thread of the web process (the default; the demo
serves from one waitress process, so its imports run there too) or inline (`XINFANG_IMPORT_JOBS = "inline"`:
tests). While it runs, the job writes its counts to a small progress file every `PROGRESS_EVERY` rows: an
all_or_nothing import is one transaction, so progress written to the database would stay invisible to the
page until the end. The page polls `import_job_progress`; the report is the row's counts and errors.
"""

import json
import logging
import os
import shutil
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from xinfang.exchange.importer import MODES, ImportReport, count_rows, file_sha256, import_file
from xinfang.exchange.judged import report_lines
from xinfang.exchange.models import ImportJob
from xinfang.orgs.models import User

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 25
# A running job that has written no progress for this long is shown as interrupted (its process stopped).
STALE_AFTER_SECONDS = 15 * 60


def jobs_dir() -> Path:
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _progress_path(job_id: int) -> Path:
    return jobs_dir() / f"job-{job_id}.progress.json"


def _write_progress(job_id: int, *, done: int, report: ImportReport) -> None:
    path = _progress_path(job_id)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"done": done, "created": report.created, "skipped": report.skipped,
                                     "failed": report.failed, "at": timezone.now().timestamp()}),
                         encoding="utf-8")
    os.replace(temporary, path)  # a reader never sees half a file


def import_job_progress(*, job: ImportJob) -> dict[str, Any]:
    """Rows done so far, the counts so far, and the percentage (None while the total is unknown)."""
    progress: dict[str, Any] = {"done": 0, "created": 0, "skipped": 0, "failed": 0, "stale": False}
    if job.finished:
        done = job.total_rows or 0
        progress.update(done=done, created=job.created, skipped=job.skipped, failed=job.failed)
    else:
        try:
            progress.update(json.loads(_progress_path(job.pk).read_text(encoding="utf-8")))
        except (OSError, ValueError):
            pass
        last = progress.get("at") or (job.started_at or job.created_at).timestamp()
        progress["stale"] = (  # queued or running, and silent: its process stopped
            timezone.now().timestamp() - last > STALE_AFTER_SECONDS)
    total = job.total_rows
    progress["total"] = total
    progress["percent"] = 100 if job.finished else (
        min(99, int(100 * progress["done"] / total)) if total else None)
    return progress


@transaction.atomic
def import_job_submit(*, actor: User, path: Path, file_name: str, mode: str, dry_run: bool) -> ImportJob:
    """Queue an import of the file at `path` (moved under DATA_DIR/imports) and start it after commit."""
    if not actor.is_superuser:
        raise PermissionDenied("导入须由超级管理员执行")
    if mode not in MODES:
        raise ValidationError({"mode": ["请选择导入方式"]})
    job = ImportJob.objects.create(created_by=actor, mode=mode, dry_run=dry_run, file_name=file_name[:200],
                                   file_sha256=file_sha256(path=path), total_rows=count_rows(path=path))
    stored = jobs_dir() / f"job-{job.pk}{path.suffix.lower()}"
    shutil.move(path, stored)
    job.stored_path = str(stored)
    job.save(update_fields=["stored_path"])
    if _inline():
        import_job_run(job_id=job.pk)  # tests: the job finishes before the response, inside the test's transaction
        job.refresh_from_db()
    else:
        transaction.on_commit(lambda: _start_thread(job.pk))  # the thread must find the committed row
    return job


def _inline() -> bool:
    return getattr(settings, "XINFANG_IMPORT_JOBS", "thread") == "inline"


def _start_thread(job_id: int) -> None:
    def work() -> None:
        close_old_connections()
        try:
            import_job_run(job_id=job_id)
        finally:
            connection.close()  # the thread's own connection

    threading.Thread(target=work, name=f"xinfang-import-{job_id}", daemon=True).start()


class _DryRunRollback(Exception):
    """Raised at the end of a dry run to roll back everything the import wrote (its audit event too)."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__("dry run")
        self.report = report


def import_job_run(*, job_id: int) -> ImportJob:
    """Run one queued job to its end; the report goes to the row, the stored file is deleted."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != ImportJob.Status.QUEUED:
        return job  # started already (a second start is a no-op)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, started_at=timezone.now())
    report = ImportReport(mode=job.mode)
    path = Path(job.stored_path)

    def progress(done: int) -> None:
        _write_progress(job.pk, done=done, report=report)

    status, message = ImportJob.Status.DONE, ""
    try:
        kwargs = {"path": path, "actor": job.created_by, "progress": progress, "progress_every": PROGRESS_EVERY,
                  "report": report, "channel": "web", "file_name": job.file_name}
        if job.dry_run:
            try:  # all_or_nothing, then everything rolled back, the audit event too
                with transaction.atomic():
                    raise _DryRunRollback(import_file(mode="all_or_nothing", **kwargs))
            except _DryRunRollback as done:
                report = done.report
        else:
            report = import_file(mode=job.mode, **kwargs)
    except (ValidationError, PermissionDenied) as error:  # ImportFileError: the file as a whole
        status = ImportJob.Status.FAILED
        message = "；".join(error.messages if isinstance(error, ValidationError) else [str(error)])
    except Exception:  # noqa: BLE001 — a background job has no caller to raise to: record it, log it
        logger.exception("import job %s failed", job.pk)
        status, message = ImportJob.Status.FAILED, "导入时发生内部错误，已记录日志；未写入的数据可重新导入"
    if status == ImportJob.Status.DONE:
        # What the import left for a later command, and the judgement's 重件/越级 (docs/IMPORT.md).
        message = "\n".join(["；".join(report.notes)] * bool(report.notes) + report_lines(report))
    ImportJob.objects.filter(pk=job.pk).update(
        status=status, message=message, finished_at=timezone.now(), stored_path="",
        created=report.created, skipped=report.skipped, failed=report.failed, rolled_back=report.rolled_back,
        errors=[[error.row, error.column, error.message] for error in sorted(report.errors, key=lambda e: e.row)])
    for leftover in (path, _progress_path(job.pk)):
        leftover.unlink(missing_ok=True)
    job.refresh_from_db()
    return job
