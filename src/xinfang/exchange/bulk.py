"""The bulk import: every row checked against the live rules in memory, the rows written in batches.

The services engine (`importer._Importer.petition`) registers each row with `petition_register` and replays
each step with `petition_act`: about 20 queries a row and 5 more a step, 50 rows a second. This engine
makes the same rows with a few queries per batch of BATCH_SIZE:

1. A batch of records is read; what it refers to is fetched at once (rows imported before, petitioners by
   their ID number's blind index, numbers already taken).
2. Each row is checked and built in memory: registration with the checks of `petition_register`
   (`petitions.services.registration_check`, the code lists, `Petition.full_clean`), numbering as
   `_reserve_number` does, the office's 15-day clock, and every step through `replay.replay_step` (the
   rules table, its checks and effects, the clock arithmetic). A refused row leaves nothing behind: the
   state shared between rows (number counters, petitioners, keys) changes only when a row is accepted.
3. The batch is written with one `executemany` a table (`xinfang.db.insert_rows`) and one audit-chain
   append (`audit_record_many`), then the data
   the registration receivers keep is brought up to date for the batch: the similarity index, identity
   keys and links, 越级 (where the file is silent). Mass-matter clusters are considered for up to
   CLUSTER_INLINE_LIMIT imported petitions; above that `xinfang matching clusters --since` does it.

Ids of petitions, petitioners and clocks are reserved before the rows are built (events name the clocks
they started): on PostgreSQL from the table's sequence, on SQLite after the batch's transaction has taken
the write lock, so no other writer can take them. If a write fails anyway (a constraint the checks did not
foresee), the batch is rolled back and re-imported row by row through the services engine, which reports
the row.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from xinfang.audit.services import AuditEntry, audit_record_many
from xinfang.calendars.selectors import calendars_cached
from xinfang.db import insert_rows
from xinfang.exchange import importer as base
from xinfang.exchange import people
from xinfang.exchange.format import ACTION_LABELS
from xinfang.exchange.judged import ImportedRow, Judged, judge_rows
from xinfang.exchange.models import ImportedRecord
from xinfang.exchange.replay import Staged, replay_step, start_clock
from xinfang.matching.services import (
    cluster_consider,
    identity_keys_refresh,
    identity_links_detect,
    skip_level_refresh,
)
from xinfang.matching.stored import facts_store
from xinfang.orgs.models import Org, User
from xinfang.petitions import crypto
from xinfang.petitions.models import (
    HotTopic,
    NumberSequence,
    Petition,
    PetitionEvent,
    PetitionParty,
    PetitionType,
    Petitioner,
)
from xinfang.petitions.services import petition_from_input, registration_check
from xinfang.petitions.validators import normalize_name, validate_id_number, validate_uscc
from xinfang.similarity.services import index_petitions
from xinfang.similarity.text import petition_text
from xinfang.stats import rollup as stats_rollup
from xinfang.workflow.models import Clock, Evaluation, Notice

BATCH_SIZE = 1000
# Mass-matter clusters are looked up petition by petition (a text look-up each, ~130 a second): done inline
# for a file up to this size, else left to `xinfang matching clusters --since`.
CLUSTER_INLINE_LIMIT = 2000
# Petition fields checked by `full_clean`; foreign keys are resolved from the code lists instead (a query each).
NOT_CLEANED = ["hot_topics", "registering_org", "registered_by", "category", "locality", "complained_org",
               "handling_org", "first_petition"]


class _ForServices(Exception):
    """A row the services engine imports, after its batch: a step names a user with an account here."""


class IdBlock:
    """Ids for new rows of one table, reserved so rows can point at each other before they are written."""

    def __init__(self, model: type) -> None:
        self.table = model._meta.db_table
        self._ids: list[int] = []
        self._next = 0

    def begin(self) -> None:
        """Call inside the batch's transaction, after it has taken SQLite's write lock."""
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f'SELECT MAX(id) FROM "{self.table}"')  # noqa: S608 (a model's table name)
                highest = cursor.fetchone()[0] or 0
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [self.table])
                row = cursor.fetchone()
            # AUTOINCREMENT never reuses an id, even a deleted row's: start after both.
            self._next = max(highest, row[0] if row else 0) + 1

    def take(self) -> int:
        if connection.vendor == "sqlite":
            self._next += 1
            return self._next - 1
        if not self._ids:
            with connection.cursor() as cursor:
                cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, 1000)",
                               [self.table])
                self._ids = [row[0] for row in cursor.fetchall()][::-1]
        return self._ids.pop()


def _take_write_lock() -> None:
    """On SQLite a transaction takes the write lock at its first write: take it before reserving ids."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute('UPDATE "exchange_importedrecord" SET id = id WHERE id IS NULL')


@dataclass
class _Plan:
    """A checked row: what it writes, and what it changes in the state shared between rows."""

    record: dict[str, Any]
    staged: Staged
    key: tuple[str, str]
    counter: tuple[tuple[int, int], int]  # ((office id, year), the office's sequence after this row)
    petitioner_updates: list[tuple[Petitioner, dict[str, str]]] = field(default_factory=list)
    hot_topics: list[HotTopic] = field(default_factory=list)
    skip_level_given: bool = False
    number_kept: bool = False
    row: int = 0  # the row in the file (for the report's lines)


class BulkImporter:
    def __init__(self, *, importer: base._Importer, report: base.ImportReport,
                 progress: Callable[[int], None] | None, progress_every: int, batch_size: int = BATCH_SIZE) -> None:
        self.importer, self.report = importer, report
        self.progress, self.progress_every, self.batch_size = progress, progress_every, batch_size
        self.ids = {model: IdBlock(model) for model in (Petition, Petitioner, Clock)}
        # Petitions created, for the mass-matter clusters: their ids up to CLUSTER_INLINE_LIMIT, else the count
        # and the earliest day received (memory stays bounded).
        self.created_ids: list[int] = []
        self.created_count = 0
        self.earliest: date | None = None
        self._topics: dict[str, HotTopic] | None = None
        self._reset_batch_state()

    # --- state shared by the rows of a batch (caches of the database plus the batch's accepted rows) ------

    def _reset_batch_state(self) -> None:
        self.counters: dict[tuple[int, int], int] = {}
        self.known_keys: set[tuple[str, str]] = set()
        self.petitioners: dict[tuple[str, str], Petitioner] = {}  # (id_number_index, kind) → petitioner
        self.taken_numbers: set[str] = set()
        self.taken_sequences: set[tuple[int, int, int]] = set()
        self.notice_numbers: set[str] = set()
        self.by_key: dict[tuple[str, str], Petition] = {}
        self.by_number: dict[str, Petition] = {}
        self.plans: list[_Plan] = []
        self.dirty_petitioners: dict[int, Petitioner] = {}

    @property
    def topics(self) -> dict[str, HotTopic]:
        if self._topics is None:
            self._topics = {topic.code: topic for topic in HotTopic.objects.all()}
        return self._topics

    # --- the run ------------------------------------------------------------------------------------

    def run(self, records: Iterable[dict[str, Any]], *, transactional_batches: bool) -> None:
        """Import every record; with `transactional_batches` each batch commits on its own (good_rows)."""
        reported = 0
        with calendars_cached():
            for batch in self._batches(records):
                self._run_batch(batch, transactional=transactional_batches)
                if self.report.stopped_at is not None:  # too many errors: the rest is not read
                    break
                # Progress counts rows done (in good_rows mode: committed), every `progress_every` rows.
                done = batch[-1][0]
                if self.progress and done // self.progress_every > reported // self.progress_every:
                    self.progress(done)
                    reported = done
            if 0 < self.created_count <= CLUSTER_INLINE_LIMIT:
                self._clusters(transactional=transactional_batches)
            elif self.created_count:
                self.report.notes.append(
                    f"本次导入{self.created_count}件，未逐件归并涉众事项；请运行 "
                    f"xinfang matching clusters --since {self.earliest.isoformat()}")

    def _batches(self, records: Iterable[dict[str, Any]]) -> Iterator[list[tuple[int, dict[str, Any]]]]:
        batch: list[tuple[int, dict[str, Any]]] = []
        for index, record in enumerate(records, start=1):
            batch.append((index, record))
            if len(batch) >= self.batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    def _run_batch(self, batch: list[tuple[int, dict[str, Any]]], *, transactional: bool) -> None:
        if transactional:
            with transaction.atomic():
                self._stage_and_write(batch)
        else:
            self._stage_and_write(batch)

    def _stage_and_write(self, batch: list[tuple[int, dict[str, Any]]]) -> None:
        _take_write_lock()
        for block in self.ids.values():
            block.begin()
        self._reset_batch_state()
        self._prefetch([record for _, record in batch])
        pending: list[tuple[int, dict[str, Any]]] = []  # the records of the rows staged since the last write
        deferred: list[tuple[int, dict[str, Any]]] = []  # rows for the services engine, after the batch
        for index, record in batch:
            row = record.get("_row", index)
            if self.report.too_many_errors(row):
                break  # as the services engine: the rows accepted so far are still written
            if "_error" in record:
                self.report.errors.append(base.RowError(row, *record["_error"]))
                continue
            kind = record.get("type", "petition")
            if kind == "meta":
                continue
            if kind != "petition":  # an org or code of a --full file: created at once, before the rows using it
                self._reference(row, record)
                continue
            try:
                plan = self._stage(record)
            except _ForServices:
                deferred.append((row, record))
                continue
            except base._RowFailure as failure:
                self.report.errors.append(base.RowError(row, failure.column, failure.message))
                continue
            except (ValidationError, PermissionDenied) as error:
                failure = base._failure(error, prefix="")
                self.report.errors.append(base.RowError(row, failure.column, failure.message))
                continue
            if plan is None:
                self.report.skipped += 1
                continue
            plan.row = row
            self._accept(plan)
            pending.append((index, record))
        self._write(pending)
        for row, record in deferred:
            self._one_by_services(row, record)

    def _reference(self, row: int, record: dict[str, Any]) -> None:
        """An org, category or hot topic record: created by the services engine, in its own savepoint."""
        kind = record.get("type")
        try:
            with transaction.atomic():
                if kind not in ("org", "category", "hot_topic"):
                    raise base._RowFailure("type", f"未知的记录类型：{kind}")
                self.importer.reference(record)
                self._topics = None
        except base._RowFailure as failure:
            self.report.errors.append(base.RowError(row, failure.column, failure.message))
        except (ValidationError, PermissionDenied) as error:
            failure = base._failure(error, prefix="")
            self.report.errors.append(base.RowError(row, failure.column, failure.message))

    def _one_by_services(self, row: int, record: dict[str, Any]) -> None:
        """One petition record through the services engine (a batch whose write failed)."""
        try:
            with transaction.atomic():
                self.importer.row = row
                created = self.importer.petition(record)
                self.report.created += created
                self.report.skipped += not created
                if created:
                    self.importer.judged.pop().add_to(self.report)
                    self._created([ImportedRecord.objects.select_related("petition").get(
                        source_system=base._text(record.get("source_system")),
                        external_id=base._text(record.get("external_id"))).petition])
        except base._RowFailure as failure:
            self.report.errors.append(base.RowError(row, failure.column, failure.message))
        except (ValidationError, PermissionDenied) as error:
            failure = base._failure(error, prefix="")
            self.report.errors.append(base.RowError(row, failure.column, failure.message))
        except IntegrityError as error:
            failure = base._conflict(error)
            self.report.errors.append(base.RowError(row, failure.column, failure.message))
        # It runs at the end of a batch only: the next batch reads its ids and caches afresh.

    # --- reading ahead ----------------------------------------------------------------------------

    def _prefetch(self, records: list[dict[str, Any]]) -> None:
        keys = {(base._text(r.get("source_system")), base._text(r.get("external_id"))) for r in records
                if r.get("type", "petition") == "petition" and "_error" not in r}
        sources = {source for source, _ in keys}
        externals = {external for _, external in keys}
        if keys:
            self.known_keys = {pair for pair in ImportedRecord.objects.filter(
                source_system__in=sources, external_id__in=externals).values_list("source_system", "external_id")
                if pair in keys}
        indexes = set()
        for record in records:
            for person in record.get("petitioners") or []:
                if isinstance(person, dict) and base._text(person.get("id_number")):
                    indexes.add(crypto.blind_index(_clean_id(person)))
        indexes.discard("")
        if indexes:
            for petitioner in Petitioner.objects.filter(id_number_index__in=indexes).order_by("id"):
                self.petitioners.setdefault((petitioner.id_number_index, petitioner.kind), petitioner)
        numbers = {base._text(r.get("number")) for r in records if base._text(r.get("number"))}
        if numbers:
            self.taken_numbers = set(Petition.objects.filter(number__in=numbers).values_list("number", flat=True))
        # (office, year, sequence) already taken, for the numbers in the file that could be kept.
        wanted = {(int(m["year"]), int(m["sequence"])) for m in map(base.NUMBER_FORM.fullmatch, numbers) if m}
        if wanted:
            years, sequences = {year for year, _ in wanted}, {sequence for _, sequence in wanted}
            self.taken_sequences = {row for row in Petition.objects.filter(year__in=years, sequence__in=sequences)
                                    .values_list("registering_org_id", "year", "sequence") if row[1:] in wanted}

    # --- one row ------------------------------------------------------------------------------------

    def _stage(self, record: dict[str, Any]) -> _Plan | None:
        """Check and build one row as the services engine would; None if it was imported before."""
        importer = self.importer
        source, external = base._text(record.get("source_system")), base._text(record.get("external_id"))
        if not source:
            raise base._RowFailure("来源系统", "必填")
        if not external:
            raise base._RowFailure("外部编号", "必填")
        if (source, external) in self.known_keys:
            return None
        data = importer._input(record)
        office = importer.org(record.get("registering_org"), "registering_org", required=True)
        first = self._first_petition(source, record.get("repeat_of"))
        actor = importer.on_behalf_of(office)
        petitioners, person_times, is_group_visit = registration_check(data)  # petition_register's checks
        category = importer.categories[base._text(record.get("category"))]
        locality = importer.orgs[str(record["locality"])]
        complained = importer.orgs[str(record["complained_org"])] if record.get("complained_org") else None
        topics = [self.topics[code] for code in data.hot_topic_codes
                  if code in self.topics and self.topics[code].is_active]
        errors: dict[str, list[str]] = {}
        if not category.is_active:
            errors["category"] = ["问题分类不存在或已停用"]
        unknown = set(data.hot_topic_codes) - {topic.code for topic in topics}
        if unknown:
            errors["hot_topic_codes"] = [f"热点领域不存在：{'、'.join(sorted(unknown))}"]
        if errors:
            raise ValidationError(errors)

        year = timezone.localtime(data.received_at).year
        sequence, counter, kept = self._number(office=office, number=base._text(record.get("number")), year=year)
        petition = petition_from_input(data=data, office=office, actor=actor, sequence=sequence, category=category,
                                       locality=locality, complained_org=complained, person_times=person_times,
                                       is_group_visit=is_group_visit)
        petition.pk = self.ids[Petition].take()
        petition.full_clean(exclude=NOT_CLEANED, validate_unique=False, validate_constraints=False)
        staged = Staged(petition=petition)
        plan = _Plan(record=record, staged=staged, key=(source, external), counter=counter, hot_topics=topics)
        for position, (raw, cleaned) in enumerate(zip(data.petitioners, petitioners, strict=True)):
            staged.parties.append(PetitionParty(
                petition=petition, petitioner=self._petitioner(cleaned, plan), position=position,
                is_representative=is_group_visit or raw.is_representative))
        staged.events.append(PetitionEvent(
            petition=petition, kind=PetitionEvent.Kind.REGISTERED, actor=actor, actor_org=office,
            occurred_at=timezone.now(), data={"channel": data.channel, "person_times": person_times,
                                              "is_group_visit": is_group_visit, "attachments": 0}))
        staged.audits.append(AuditEntry(actor=actor, action="petition.register", target=petition, data={
            "number": petition.number, "channel": data.channel, "person_times": person_times}))
        # workflow.receivers: the office's 15-day clock starts on the day received (Art 22).
        start_clock(staged, kind=Clock.Kind.DISPOSITION, org=office, length=None,
                    started_on=timezone.localtime(petition.received_at).date(), next_id=self.ids[Clock].take)

        for index, step in enumerate(record.get("history") or [], start=1):
            self._replay(staged, index, step, office=office)
        mismatch = base.derived_mismatch(record, petition)
        if mismatch is not None:
            raise mismatch
        petition.first_petition = first
        plan.skip_level_given = record.get("is_skip_level") not in (None, "")
        if plan.skip_level_given:
            petition.is_skip_level = base._bool(record.get("is_skip_level"))
        plan.number_kept = kept  # the `imported` event and audit entry are made when the batch is written
        return plan

    def _number(self, *, office: Org, number: str, year: int) -> tuple[int, tuple[tuple[int, int], int], bool]:
        """(the row's sequence, the office's counter after it, whether the file's number was kept).

        The file's number is kept when it is the office's form, of the year received, and free, and the
        counter is raised past it, as the services engine's `_reserve_number` and `_release_number` do.
        """
        key = (office.pk, year)
        if key not in self.counters:
            row = NumberSequence.objects.filter(org=office, year=year).first()
            self.counters[key] = row.last_value if row else 0
        last = self.counters[key]
        match = base.NUMBER_FORM.fullmatch(number or "")
        if match is not None and match["prefix"] == office.display_prefix and int(match["year"]) == year:
            sequence = int(match["sequence"])
            if sequence >= 1 and number not in self.taken_numbers and not self._sequence_taken(office, year, sequence):
                return sequence, (key, max(last, sequence)), True
        return last + 1, (key, last + 1), False

    def _sequence_taken(self, office: Org, year: int, sequence: int) -> bool:
        return (office.pk, year, sequence) in self.taken_sequences

    def _petitioner(self, cleaned: dict[str, str], plan: _Plan) -> Petitioner:
        """The petitioner with this ID number (its contact details refreshed when the row is accepted), or a new one."""
        id_index = crypto.blind_index(cleaned["id_number"])
        phone_index = crypto.blind_index(cleaned["phone"])
        existing = self.petitioners.get((id_index, cleaned["kind"])) if id_index else None
        if existing is not None:
            changes = {name: cleaned[name] for name in ("phone", "address")
                       if cleaned[name] and getattr(existing, name) != cleaned[name]}
            if "phone" in changes:
                changes["phone_index"] = phone_index
            if changes:
                plan.petitioner_updates.append((existing, changes))
            return existing
        petitioner = Petitioner(
            pk=self.ids[Petitioner].take(), kind=cleaned["kind"], name=cleaned["name"],
            id_number=cleaned["id_number"], phone=cleaned["phone"], address=cleaned["address"],
            id_number_index=id_index, phone_index=phone_index,
            name_index=crypto.blind_index(normalize_name(cleaned["name"])))
        plan.staged.new_petitioners.append(petitioner)
        return petitioner

    def _first_petition(self, source: str, repeat_of: Any) -> Petition | None:
        reference = base._text(repeat_of)
        if not reference:
            return None
        earlier = self.by_key.get((source, reference)) or self.by_number.get(reference)
        if earlier is not None:
            return earlier.first_petition or earlier
        return self.importer._first_petition(source, repeat_of)

    def _replay(self, staged: Staged, index: int, step: dict[str, Any], *, office: Org) -> None:
        """One step, prepared as the services engine's `_replay` prepares it for petition_act."""
        importer = self.importer
        where = f"第{index}步（{step.get('action', '?')}）"
        column = step.get("_column", base.HISTORY)
        try:
            acted_on = base._date(step.get("acted_on"))
        except ValueError:
            raise base._RowFailure(column, f"{where}：日期无效：{step.get('acted_on')}") from None
        values = dict(step.get("values") or {})
        for key in base.ORG_VALUES:
            if values.get(key) not in (None, ""):
                org = importer.orgs.get(str(values[key]))
                if org is None:
                    raise base._RowFailure(column, f"{where}：未知的机构代码：{values[key]}")
                values[key] = org
        action = base._text(step.get("action"))
        try:
            named = people.resolve_people(values, action=action, orgs=importer.orgs, accounts=importer.accounts,
                                          as_pk=False)
        except ValueError as error:
            raise base._RowFailure(column, f"{where}：{error}") from None
        acting = office
        if step.get("actor_org"):
            acting = importer.orgs.get(str(step["actor_org"]))
            if acting is None:
                raise base._RowFailure(column, f"{where}：未知的办理机构代码：{step['actor_org']}")
        if any(isinstance(values.get(key), User) for key in people.USER_VALUES):
            # The person's checks read the petition from the database (may he see it?), which a staged row is not.
            raise _ForServices
        petition = staged.petition
        if named is not None:
            try:
                recorded = people.recorded_step(petition=petition, action=action, actor=importer.on_behalf_of(acting),
                                                values=values, acted_on=acted_on, running=staged.running)
            except (ValidationError, PermissionDenied) as error:
                raise base._RowFailure(column, base._failure(error, prefix=f"{where}：").message) from None
            staged.events.append(recorded.event)
            staged.audits.append(recorded.audit)
            return
        try:
            # petitions_visible_to: an accusation never reaches the accused unit (Art 30 ¶3).
            if petition.petition_type == PetitionType.ACCUSATION and petition.complained_org_id in acting.ancestor_ids:
                raise PermissionDenied(f"办理机构“{acting.name}”无权办理该事项")
            replay_step(staged, action=action, actor=importer.on_behalf_of(acting),
                        values=values, acted_on=acted_on, next_clock_id=self.ids[Clock].take, batch=self.by_number)
        except (ValidationError, PermissionDenied) as error:
            raise base._RowFailure(column, base._failure(error, prefix=f"{where}：").message) from None
        if step.get("notice"):
            self._keep_notice_number(staged, base._text(step["notice"]))

    def _keep_notice_number(self, staged: Staged, number: str) -> None:
        """As the services engine's `_keep_notice_number`: the file's number, if it differs, is free and is the petition's."""
        if not base.keepable_notice_number(petition_number=staged.petition.number, number=number):
            return
        event = next((event for event in reversed(staged.events) if event.kind in ACTION_LABELS), None)
        issued = (event.data or {}).get("notice") if event else None
        if not issued or issued == number:
            return
        if number in self.notice_numbers or any(notice.number == number for notice in staged.notices):
            return
        if Notice.objects.filter(number=number).exists():
            return
        for notice in staged.notices:
            if notice.number == issued:
                notice.number = number
        event.data = {**event.data, "notice": number}

    def _record_import(self, plan: _Plan) -> None:
        """The `imported` event and audit entry, as the services engine's `_record_import` writes them.

        Made at write time, after 越级 is decided for a row whose file is silent on it, so that both say
        what the petition is.
        """
        record, petition, importer = plan.record, plan.staged.petition, self.importer
        office, number_kept = petition.registering_org, plan.number_kept
        source, external = plan.key
        first = petition.first_petition
        data = {"source_system": source, "external_id": external, "file_sha256": importer.file_hash,
                "number_in_file": base._text(record.get("number")), "number_kept": number_kept,
                "on_behalf_of": {"id": office.pk, "name": office.name},
                "repeat_of": base._text(record.get("repeat_of")),
                "first_petition": first.number if first is not None else "",
                "is_skip_level": petition.is_skip_level}
        note = f"系统管理员{importer.actor.get_username()}代{office.name}从“{source}”导入（外部编号 {external}）"
        if first is not None:
            note += f"；重件（来源系统认定），初件为 {first.number}"
        if petition.is_skip_level:
            note += "；越级"
        plan.staged.events.append(PetitionEvent(
            petition=petition, kind=base.IMPORTED_EVENT, title="导入", actor=importer.actor, actor_org=office,
            occurred_at=timezone.now(), note=note[:500], data=data))
        plan.staged.audits.append(AuditEntry(actor=importer.actor, action="exchange.import_petition",
                                             target=petition, data={**data, "number": petition.number}))

    def _accept(self, plan: _Plan) -> None:
        """The row passed: apply its changes to the state the next rows see."""
        petition = plan.staged.petition
        key, value = plan.counter
        self.counters[key] = value
        self.known_keys.add(plan.key)
        self.taken_numbers.add(petition.number)
        self.taken_sequences.add((petition.registering_org_id, petition.year, petition.sequence))
        self.notice_numbers.update(notice.number for notice in plan.staged.notices)
        self.by_key[plan.key] = petition
        self.by_number[petition.number] = petition
        for petitioner in plan.staged.new_petitioners:
            if petitioner.id_number_index:
                self.petitioners[(petitioner.id_number_index, petitioner.kind)] = petitioner
        for petitioner, changes in plan.petitioner_updates:
            for name, value in changes.items():
                setattr(petitioner, name, value)
            if not petitioner._state.adding:  # written by an earlier batch: an UPDATE
                self.dirty_petitioners[petitioner.pk] = petitioner
        self.plans.append(plan)

    # --- writing a batch ------------------------------------------------------------------------------

    def _write(self, pending: list[tuple[int, dict[str, Any]]]) -> None:
        plans, self.plans = self.plans, []
        if not plans:
            return
        try:
            with transaction.atomic():
                judged = self._write_plans(plans)
        except DatabaseError:
            # A constraint the checks did not foresee: the savepoint undid the batch; the services engine
            # imports its rows one by one and names the one refused.
            for index, record in pending:
                self._one_by_services(record.get("_row", index), record)
            return
        self.report.created += len(plans)
        judged.add_to(self.report)
        self._created([plan.staged.petition for plan in plans])

    def _created(self, petitions: list[Petition]) -> None:
        self.created_count += len(petitions)
        for petition in petitions:
            day = timezone.localtime(petition.received_at).date()
            self.earliest = day if self.earliest is None else min(self.earliest, day)
        if self.created_count <= CLUSTER_INLINE_LIMIT:
            self.created_ids.extend(petition.pk for petition in petitions)

    def _write_plans(self, plans: list[_Plan]) -> Judged:
        new_petitioners = [p for plan in plans for p in plan.staged.new_petitioners]
        insert_rows(Petitioner, new_petitioners)
        new_ids = {p.pk for p in new_petitioners}
        dirty = [p for p in self.dirty_petitioners.values() if p.pk not in new_ids]
        if dirty:
            for petitioner in dirty:
                petitioner.updated_at = timezone.now()
            Petitioner.objects.bulk_update(dirty, ["phone", "phone_index", "address", "updated_at"], batch_size=500)
        self.dirty_petitioners = {}
        stats_rollup.touch_petitions(plan.staged.petition for plan in plans)  # raw inserts send no signal
        insert_rows(Petition, [plan.staged.petition for plan in plans])
        Topic = Petition.hot_topics.through
        insert_rows(Topic, [Topic(petition_id=plan.staged.petition.pk, hottopic_id=topic.pk)
                            for plan in plans for topic in plan.hot_topics])
        insert_rows(PetitionParty, [party for plan in plans for party in plan.staged.parties])
        insert_rows(Clock, [clock for plan in plans for clock in plan.staged.clocks])
        insert_rows(Notice, [notice for plan in plans for notice in plan.staged.notices])
        insert_rows(Evaluation, [e for plan in plans for e in plan.staged.evaluations])
        # 越级 where the file is silent: the matching app decides, as its receiver does at a registration.
        silent = {plan.staged.petition.pk: plan.staged.petition for plan in plans if not plan.skip_level_given}
        if silent:
            for pk, is_skip_level in skip_level_refresh(petitions=list(silent.values())).items():
                silent[pk].is_skip_level = is_skip_level
        for plan in plans:
            self._record_import(plan)
        insert_rows(PetitionEvent, [event for plan in plans for event in plan.staged.events])
        insert_rows(ImportedRecord, [
            ImportedRecord(source_system=plan.key[0], external_id=plan.key[1], petition=plan.staged.petition,
                           file_sha256=self.importer.file_hash) for plan in plans])
        audit_record_many([entry for plan in plans for entry in plan.staged.audits])
        self._write_counters(plans)
        self._derive(plans)
        # After the identity links (_derive): the same-matter judgement proposes 重件 for rows without a 初件.
        return judge_rows(rows=[ImportedRow(plan.row, plan.staged.petition, plan.staged.petition.first_petition_id
                                            is not None, plan.skip_level_given) for plan in plans],
                          file_sha256=self.importer.file_hash)

    def _write_counters(self, plans: list[_Plan]) -> None:
        final: dict[tuple[int, int], int] = {}
        for plan in plans:
            key, value = plan.counter
            final[key] = value
        for (org_id, year), value in final.items():
            if not NumberSequence.objects.filter(org_id=org_id, year=year).update(last_value=value):
                NumberSequence.objects.create(org_id=org_id, year=year, last_value=value)

    def _derive(self, plans: list[_Plan]) -> None:
        """What the registration receivers keep (similarity, stored facts, identity), for the batch at once (越级: above)."""
        index_petitions([(plan.staged.petition.pk, petition_text(plan.staged.petition)) for plan in plans],
                        replace=False)
        facts_store(petitions=[plan.staged.petition for plan in plans])
        touched: dict[int, Petitioner] = {}
        for plan in plans:
            for party in plan.staged.parties:
                touched[party.petitioner.pk] = party.petitioner
        people = list(touched.values())
        identity_keys_refresh(petitioners=people)
        identity_links_detect(petitioners=people)

    def _clusters(self, *, transactional: bool) -> None:
        def consider() -> None:
            for petition in Petition.objects.filter(pk__in=self.created_ids).order_by("received_at", "id"):
                cluster_consider(petition=petition)

        if transactional:
            with transaction.atomic():
                consider()
        else:
            consider()


def _clean_id(person: dict[str, Any]) -> str:
    """The ID number as registration normalises it (for the read-ahead of petitioners); '' if invalid."""
    value = base._text(person.get("id_number"))
    try:
        if person.get("kind") == Petitioner.Kind.ORGANISATION:
            return validate_uscc(value)
        return validate_id_number(value)
    except ValidationError:
        return ""

