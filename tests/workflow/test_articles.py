"""The articles map: every procedural article has an entry, and every reference and test it names exists."""

import ast
import importlib
from pathlib import Path

from django.conf import settings

from xinfang.workflow import checks
from xinfang.workflow.articles import ARTICLES, FIRST_ARTICLE, LAST_ARTICLE, NOT_PROCEDURAL
from xinfang.workflow.policy import current_policy
from xinfang.workflow.rules import RULES_BY_ACTION

ROOT = Path(__file__).resolve().parents[2]


def _tests_in(path: Path) -> set[str]:
    """The test functions a file defines (module level and in classes), by parsing it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_")}


def test_every_procedural_article_from_17_to_47_has_one_entry():
    numbers = [article.number for article in ARTICLES]
    assert len(numbers) == len(set(numbers))
    expected = [n for n in range(FIRST_ARTICLE, LAST_ARTICLE + 1) if n not in NOT_PROCEDURAL]
    assert sorted(numbers) == expected
    assert NOT_PROCEDURAL == (27,)


def test_every_article_is_implemented_with_tests_or_planned_or_declared_a_gap():
    for article in ARTICLES:
        assert article.title and article.how, article.number
        if article.implemented:
            assert article.tests, f"Art {article.number}: implemented without a test"
        else:
            assert article.planned or article.gap, f"Art {article.number}: neither implemented nor planned"
        assert all(13 <= issue <= 20 for issue in article.planned), article.number


def test_arts_24_25_28_29_are_implemented_by_rules_that_cite_them():
    cited = {24: "第二十四条", 25: "第二十五条", 28: "第二十八条", 29: "第二十九条"}
    by_number = {article.number: article for article in ARTICLES}
    for number, article_text in cited.items():
        rules = [RULES_BY_ACTION[ref.removeprefix("rule:")] for ref in by_number[number].refs if ref.startswith("rule:")]
        assert any(article_text in rule.article for rule in rules), number


def test_every_reference_exists():
    clocks = current_policy().clocks
    for article in ARTICLES:
        for ref in article.refs:
            kind, _, name = ref.partition(":")
            where = f"Art {article.number}: {ref}"
            if kind == "rule":
                assert name in RULES_BY_ACTION, where
            elif kind == "check":
                assert callable(getattr(checks, name, None)), where
            elif kind == "clock":
                assert name in clocks, where
            elif kind == "setting":
                assert hasattr(settings, name), where
            elif kind == "code":
                module, _, attribute = name.rpartition(".")
                assert hasattr(importlib.import_module(module), attribute), where
            else:
                raise AssertionError(f"{where}: unknown kind of reference")


def test_every_test_named_exists():
    for article in ARTICLES:
        for node in article.tests:
            path, _, name = node.partition("::")
            file = ROOT / path
            assert file.is_file(), f"Art {article.number}: no file {path}"
            assert name in _tests_in(file), f"Art {article.number}: no test {node}"
