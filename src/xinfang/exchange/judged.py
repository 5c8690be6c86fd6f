"""初件/重件 and 越级 of imported rows, the same for both engines (docs/IMPORT.md, "初件/重件 and 越级").

- A row with 重复信访关联编号 keeps it: the source system's decision (the `imported` event says so).
- A row without: the same-matter judgement (`matching.import_judgement`) runs against the petitions in the
  database and the rows before it in the file. As at registration, where the clerk confirms the hint, a
  repeat is not linked by the import: it becomes a proposal (`RepeatProposal`) that a clerk confirms or
  dismisses (`exchange.review`). Statistics do not change until then.
- 越级 where the file is silent: the matching app's rule (`skip_level_decide`) on the row's chain as set.

Both engines call `judge_rows` once the rows are written (the bulk engine per batch, the services engine per
row) and add its lines to the report only once those rows are kept.
"""

from dataclasses import dataclass, field, replace

from xinfang.exchange.review import proposals_store
from xinfang.matching.import_judgement import judge_imported
from xinfang.matching.models import SkipLevelMark
from xinfang.petitions.models import Petition

# Lines of reasons the report prints of each kind; the counts are always complete.
REPORT_LINES = 200


@dataclass(frozen=True)
class ImportedRow:
    row: int
    petition: Petition
    repeat_given: bool  # the file named a 初件
    skip_level_given: bool  # the file said 是/否 under 越级


@dataclass
class Judged:
    """What the judgement and the 越级 rule made of some rows (added to the report once they are kept)."""

    repeats_given: int = 0
    proposals: list[tuple[int, str]] = field(default_factory=list)  # (row, line)
    skip_level_given: int = 0
    skip_level_decided: list[tuple[int, str]] = field(default_factory=list)  # rows the rule found 越级

    def add_to(self, report) -> None:
        report.repeats_given += self.repeats_given
        report.proposals.extend(self.proposals)
        report.skip_level_given += self.skip_level_given
        report.skip_level_decided.extend(self.skip_level_decided)


def judge_rows(*, rows: list[ImportedRow], file_sha256: str) -> Judged:
    """Judge written rows (in file order): store the proposals, and say what was decided and why."""
    judged = Judged()
    by_pk = {item.petition.pk: item for item in rows}
    findings = judge_imported(petitions=[item.petition for item in rows])
    for pk, finding in findings.items():
        # The note is the rule's view; the file's 越级 has no assessment to compare with (in the bulk engine none
        # is stored), so a row whose file gives 越级 carries none in either engine.
        if by_pk[pk].skip_level_given:
            findings[pk] = replace(finding, skip_level_note="")
    proposals_store(findings=list(findings.values()), file_sha256=file_sha256)
    for pk, finding in findings.items():
        item = by_pk[pk]
        line = (f"{item.petition.number} 疑似重件（待确认）：与 {finding.candidate_number}"
                f"{'' if finding.first_id == finding.candidate_id else f'（初件 {finding.first_number}）'}"
                f" 同一事项的可能性 {finding.matter_score:.2f}：{finding.reason_text}")
        if finding.skip_level_note:
            line += f"；{finding.skip_level_note}"
        judged.proposals.append((item.row, line))
    silent_skip = [item for item in rows if not item.skip_level_given and item.petition.is_skip_level]
    reasons = dict(SkipLevelMark.objects.filter(petition_id__in=[item.petition.pk for item in silent_skip],
                                                is_skip_level=True).values_list("petition_id", "reason"))
    for item in silent_skip:
        judged.skip_level_decided.append((item.row, f"{item.petition.number} {reasons.get(item.petition.pk, '越级')}"))
    judged.repeats_given = sum(item.repeat_given for item in rows)
    judged.skip_level_given = sum(item.skip_level_given and item.petition.is_skip_level for item in rows)
    judged.proposals.sort()
    return judged


def report_lines(report) -> list[str]:
    """The judgement's part of the import report, in Chinese (the command and the job print it)."""
    lines = [f"重件（文件载明初件）{report.repeats_given} 件；疑似重件待确认 {len(report.proposals)} 件"
             f"（经同一事项判断，未改动初件/重件，请在导入复核中确认或排除）；越级 "
             f"{report.skip_level_given + len(report.skip_level_decided)} 件（文件载明 {report.skip_level_given} 件，"
             f"按越级规则判定 {len(report.skip_level_decided)} 件）"]
    for kind, items in (("疑似重件", sorted(report.proposals)), ("越级", sorted(report.skip_level_decided))):
        for row, text in items[:REPORT_LINES]:
            lines.append(f"第{row}行 {text}")
        if len(items) > REPORT_LINES:
            lines.append(f"（另有{kind} {len(items) - REPORT_LINES} 件未逐条列出）")
    return lines
