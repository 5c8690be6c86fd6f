"""The evaluations and the per-unit table of a quarter as one workbook (the same rows as /quality/)."""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from xinfang.quality.models import QualityEvaluation
from xinfang.quality.selectors import UnitResult


def _ratio(score: Decimal | None) -> Any:
    """A percentage as an Excel number shown as 85.00%; no score as "—"."""
    return "—" if score is None else float(score / 100)


def quality_workbook(*, title: str, evaluations: Iterable[QualityEvaluation], results: list[UnitResult],
                     out) -> int:
    """Write the workbook to `out`; returns the number of evaluation rows. Text cells go through exchange.cells."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from xinfang.exchange.cells import xlsx_row

    bold = Font(bold=True)
    book = Workbook()
    table = book.active
    table.title = "单位汇总"
    table.append(xlsx_row(table, [f"{title}质量评查单位汇总"]))
    table.append(xlsx_row(table, ["被评查单位", "评查件数", "得分", "满分", "平均得分率", "不合格件数"]))
    for result in results:
        table.append(xlsx_row(table, [result.name, result.evaluated, result.points_earned, result.points_possible,
                                      _ratio(result.score), result.failed]))
        table.cell(row=table.max_row, column=5).number_format = "0.00%"
    listing = book.create_sheet("评查结果")
    listing.append(xlsx_row(listing, [f"{title}质量评查结果"]))
    listing.append(xlsx_row(listing, ["信访件编号", "评查表", "被评查单位", "评查日期", "得分", "满分", "得分率",
                                      "等次", "评查人"]))
    count = 0
    for evaluation in evaluations:
        listing.append(xlsx_row(listing, [
            evaluation.petition.number, evaluation.checklist_name, evaluation.unit.name, evaluation.evaluated_on,
            evaluation.points_earned, evaluation.points_possible, _ratio(evaluation.score), evaluation.grade,
            evaluation.evaluator.full_name or evaluation.evaluator.get_username()]))
        listing.cell(row=listing.max_row, column=4).number_format = "yyyy-mm-dd"
        listing.cell(row=listing.max_row, column=7).number_format = "0.00%"
        count += 1
    for sheet in (table, listing):
        sheet["A1"].font = bold
        for cell in sheet[2]:
            cell.font = bold
    book.save(out)
    return count
