"""Key rotation: what each encrypted column and sealed file is sealed under, and re-encrypting it all to the
current key and algorithm (`xinfang keys status`, `xinfang keys rotate`; docs/SECURITY.md, docs/OPERATIONS.md).

Every stored ciphertext names its algorithm and key (the "v1:" personal format names no key and opens under
the current or a retired key), so the data stays readable throughout: rows are rewritten in batches of one
transaction each, files to a temporary name, fsynced, then renamed over. A run killed at any point leaves
each value either as it was or on the new key, and a rerun skips what is already done. Blind indexes are
not touched: they are keyed by XINFANG_INDEX_KEY, which a rotation never changes.
"""

import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import ExpressionWrapper, F, Value

from xinfang.audit.services import audit_record
from xinfang.petitions import crypto
from xinfang.petitions.fields import SEALED_VALUES, AccusationEventDataField, AccusationTextField, EncryptedTextField
from xinfang.petitions.validators import normalize_id_number

PERSONAL, TEXT, EVENT_VALUES = "personal", "text", "event_values"
TEMPORARY_SUFFIX = ".rekey"
# Petitioners whose stored ID-number index is recomputed before a rotation, to prove the index key is right.
INDEX_SAMPLE = 20


class KeyRotationError(Exception):
    """The rotation cannot start: its configuration would break data or look-ups."""


@dataclass(frozen=True)
class Column:
    model: type[models.Model]
    name: str
    kind: str

    @property
    def label(self) -> str:
        return f"{self.model._meta.db_table}.{self.name}"

    @property
    def context(self) -> str:
        # The associated data the field seals with (AccusationTextField.context, AccusationEventDataField.context).
        field_object = self.model._meta.get_field(self.name)
        return field_object.context


def encrypted_columns() -> list[Column]:
    """Every column of every installed model that stores ciphertext, found by its field class."""
    kinds = ((EncryptedTextField, PERSONAL), (AccusationTextField, TEXT), (AccusationEventDataField, EVENT_VALUES))
    columns = []
    for model in apps.get_models():
        for field_object in model._meta.concrete_fields:
            for field_class, kind in kinds:
                if isinstance(field_object, field_class):
                    columns.append(Column(model=model, name=field_object.name, kind=kind))
    return columns


def _raw(column: Column):
    # Through a plain output field: the stored form, without the encrypted field's decrypting from_db_value.
    output = models.JSONField() if column.kind == EVENT_VALUES else models.TextField()
    return ExpressionWrapper(F(column.name), output_field=output)


def _token(column: Column, stored) -> str:
    """The ciphertext (or plaintext) a stored value holds; '' when there is nothing sealed to look at."""
    if column.kind == EVENT_VALUES:
        return stored.get(SEALED_VALUES, "") if isinstance(stored, dict) else ""
    return stored or ""


def _describe(column: Column, token: str) -> crypto.Sealed | None:
    return crypto.describe(token) if column.kind == PERSONAL else crypto.describe_text(token)


def _reseal(column: Column, stored):
    """The stored value re-encrypted to the current key and algorithm; None when nothing needs doing."""
    token = _token(column, stored)
    if not token:
        return None
    if column.kind == PERSONAL:
        return crypto.reencrypt(token)
    resealed = crypto.reseal_text(token, context=column.context)
    if resealed is None or column.kind == TEXT:
        return resealed
    return {**stored, SEALED_VALUES: resealed}


def _key_label(key_id: str) -> str:
    if not key_id:
        return "未记录（v1）"
    if key_id == crypto.current_key_id():
        return f"{key_id}（当前）"
    if key_id in crypto.retired_key_ids():
        return f"{key_id}（已退役）"
    return f"{key_id}（未知！）"


def _sealed_label(found: crypto.Sealed) -> tuple[str, str, str]:
    return found.format.strip(), crypto.ALGORITHM_NAMES.get(found.algorithm, found.algorithm), _key_label(found.key_id)


@dataclass
class KeyStatus:
    # (table.column or "附件文件", format, algorithm, key) -> how many values
    counts: Counter = field(default_factory=Counter)
    pending: int = 0  # values not on the current key and algorithm: what a rotation would rewrite
    unreadable: int = 0  # under a key this installation does not have
    plaintext_files: int = 0
    missing_files: int = 0
    index_checked: int = 0
    index_mismatched: int = 0


def _attachment_model() -> type[models.Model]:
    return apps.get_model("petitions", "Attachment")


def _batches(model: type[models.Model], columns: list[Column], size: int) -> Iterator[list[tuple]]:
    last = 0
    while True:
        rows = list(model._base_manager.filter(pk__gt=last).order_by("pk")
                    .values_list("pk", *[_raw(column) for column in columns])[:size])
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _columns_by_model() -> dict[type[models.Model], list[Column]]:
    grouped: dict[type[models.Model], list[Column]] = {}
    for column in encrypted_columns():
        grouped.setdefault(column.model, []).append(column)
    return grouped


def keys_status(*, batch: int = 2000) -> KeyStatus:
    """Counts of stored ciphertexts per column, format, algorithm and key, and of the sealed files."""
    status = KeyStatus()
    known = {crypto.current_key_id(), *crypto.retired_key_ids()}
    for model, columns in _columns_by_model().items():
        for rows in _batches(model, columns, batch):
            for row in rows:
                for column, stored in zip(columns, row[1:], strict=True):
                    token = _token(column, stored)
                    try:
                        found = _describe(column, token) if token else None
                    except ValueError:  # not a ciphertext at all (e.g. written around the field): unreadable
                        status.counts[(column.label, "无法识别", "", "")] += 1
                        status.unreadable += 1
                        continue
                    if found is None:
                        continue
                    status.counts[(column.label, *_sealed_label(found))] += 1
                    if not found.is_current():
                        status.pending += 1
                    if found.key_id and found.key_id not in known:
                        status.unreadable += 1
    for attachment in _attachment_model()._base_manager.order_by("pk").only("pk", "file").iterator():
        try:
            with attachment.file.open("rb") as stored:
                head = stored.read(16)
        except FileNotFoundError:
            status.missing_files += 1
            continue
        found = crypto.describe_file(head)
        if found is None:
            status.plaintext_files += 1
            continue
        status.counts[("附件文件", *_sealed_label(found))] += 1
        if not found.is_current():
            status.pending += 1
        if found.key_id not in known:
            status.unreadable += 1
    status.index_checked, status.index_mismatched = index_key_check()
    return status


def index_key_check(*, sample: int = INDEX_SAMPLE) -> tuple[int, int]:
    """(checked, mismatched): petitioners whose stored ID-number index differs from one computed now.

    A mismatch on every one means the index key is not the one the indexes were made with: typically the
    data key was changed without pinning XINFANG_INDEX_KEY to its old value first.
    """
    Petitioner = apps.get_model("petitions", "Petitioner")
    checked = mismatched = 0
    rows = Petitioner._base_manager.exclude(id_number_index="").order_by("pk").values_list(
        _raw(Column(Petitioner, "id_number", PERSONAL)), "id_number_index")[:sample]
    for token, stored_index in rows:
        try:
            id_number = crypto.decrypt(token)
        except (ValueError, InvalidTag):  # counted by the status as unreadable; says nothing about the index
            continue
        checked += 1
        if crypto.blind_index(normalize_id_number(id_number)) != stored_index:
            mismatched += 1
    return checked, mismatched


@dataclass
class RotationResult:
    rewritten: Counter = field(default_factory=Counter)  # table.column (or "附件文件") -> values re-encrypted
    skipped: int = 0  # already on the current key and algorithm, or empty/plaintext
    failures: list[str] = field(default_factory=list)  # values that could not be opened (named, not shown)

    @property
    def total(self) -> int:
        return sum(self.rewritten.values())


def _check_can_rotate() -> None:
    crypto.current_algorithm()  # a bad XINFANG_CIPHER set after start-up
    if settings.XINFANG_RETIRED_DATA_KEYS and not getattr(settings, "XINFANG_INDEX_KEY", ""):
        raise KeyRotationError("已设置 XINFANG_RETIRED_DATA_KEYS 但未设置 XINFANG_INDEX_KEY：请把它设为原数据密钥后再轮换"
                               "（否则按证件号码、电话的查找失效）")
    checked, mismatched = index_key_check()
    if checked and mismatched == checked:
        raise KeyRotationError(f"抽查的 {checked} 位信访人的证件号码索引与当前索引密钥都不符：XINFANG_INDEX_KEY "
                               "应是建立索引时的数据密钥（原 XINFANG_DATA_KEY），请改正后再轮换")


def _write_file_atomically(path: Path, data: bytes) -> None:
    # Beside the file, fsynced, renamed over it, and the rename fsynced: after a crash the path holds the old
    # sealed bytes or the new ones, whole; a leftover temporary is overwritten by the next run.
    temporary = path.with_name(path.name + TEMPORARY_SUFFIX)
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _rotate_rows(model, columns, *, batch, pause, result, progress) -> None:
    last = 0
    while True:
        with transaction.atomic():
            # Locked for the batch (PostgreSQL; SQLite's IMMEDIATE transactions hold the write lock), so a
            # clerk's save between our read and our write cannot be overwritten with the old text.
            rows = list(model._base_manager.select_for_update().filter(pk__gt=last).order_by("pk")
                        .values_list("pk", *[_raw(column) for column in columns])[:batch])
            if not rows:
                return
            for pk, *stored_values in rows:
                changes = {}
                for column, stored in zip(columns, stored_values, strict=True):
                    try:
                        resealed = _reseal(column, stored)
                    except (ValueError, InvalidTag) as error:
                        result.failures.append(f"{column.label} id={pk}: {type(error).__name__}")
                        continue
                    if resealed is None:
                        result.skipped += 1
                        continue
                    output = models.JSONField() if column.kind == EVENT_VALUES else models.TextField()
                    # A plain Value: the stored form exactly, without the field's encrypting get_prep_value.
                    changes[column.name] = Value(resealed, output_field=output)
                    result.rewritten[column.label] += 1
                if changes:
                    model._base_manager.filter(pk=pk).update(**changes)
            last = rows[-1][0]
        if progress:
            progress(f"已处理 {model._meta.db_table} 至 id {last}，累计重新加密 {result.total} 个值")
        if pause:
            time.sleep(pause)


def _rotate_files(*, batch, pause, result, progress) -> None:
    done = 0
    for attachment in _attachment_model()._base_manager.order_by("pk").only("pk", "file", "sha256").iterator():
        path = Path(attachment.file.path)
        try:
            sealed = path.read_bytes()
        except FileNotFoundError:
            result.failures.append(f"附件 {attachment.pk}: 文件缺失")
            continue
        try:
            resealed = crypto.reseal_file(sealed, binding=attachment.sha256)
        except (ValueError, InvalidTag) as error:
            result.failures.append(f"附件 {attachment.pk}: {type(error).__name__}")
            continue
        if resealed is None:
            result.skipped += 1
            continue
        _write_file_atomically(path, resealed)
        result.rewritten["附件文件"] += 1
        done += 1
        if done % batch == 0:
            if progress:
                progress(f"已处理附件文件 {done} 个")
            if pause:
                time.sleep(pause)


def keys_rotate(*, batch: int = 500, pause: float = 0.0,
                progress: Callable[[str], None] | None = None) -> RotationResult:
    """Re-encrypt every encrypted column and sealed file to the current key and algorithm; resumable."""
    if batch < 1:
        raise KeyRotationError("--batch 至少为 1")
    _check_can_rotate()
    target = {"cipher": settings.XINFANG_CIPHER, "key_id": crypto.current_key_id(),
              "retired_key_ids": crypto.retired_key_ids(), "batch": batch}
    with transaction.atomic():  # recorded first, so a run that is killed is on the record too
        audit_record(actor=None, action="operations.keys_rotate_started", data=target)
    result = RotationResult()
    for model, columns in _columns_by_model().items():
        _rotate_rows(model, columns, batch=batch, pause=pause, result=result, progress=progress)
    _rotate_files(batch=batch, pause=pause, result=result, progress=progress)
    with transaction.atomic():
        audit_record(actor=None, action="operations.keys_rotated", data={
            **target, "rewritten": dict(result.rewritten), "skipped": result.skipped,
            "failures": len(result.failures)})
    return result
