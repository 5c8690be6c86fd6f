"""docs/RULES.md is the rules table as the code has it: regenerate it when a rule changes."""

from pathlib import Path

from xinfang.workflow.rules_doc import rules_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "RULES.md"


def test_docs_rules_md_matches_the_rules_table():
    assert DOC.read_text(encoding="utf-8") == rules_markdown(), (
        "docs/RULES.md is out of date: run `xinfang rules --markdown > docs/RULES.md`"
    )
