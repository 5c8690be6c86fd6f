"""The rules table as Markdown: docs/RULES.md is generated from it, and a test keeps the two in step."""

from xinfang.orgs.models import Role
from xinfang.petitions.models import PetitionStatus
from xinfang.workflow.articles import ARTICLES
from xinfang.workflow.fields import FIELDS
from xinfang.workflow.models import Clock, Notice
from xinfang.workflow.policy import current_policy
from xinfang.workflow.rules import RULES

HEADER = """# The procedure as rules (generated)

Generated from `src/xinfang/workflow/rules.py` by `xinfang rules --markdown > docs/RULES.md`;
`tests/workflow/test_rules_doc.py` fails when the two differ. Each rule is applied by
`workflow.services.petition_act` (state, role and side checks, then the rule's named checks in
`workflow/checks.py` and effects in `workflow/effects.py`, clocks in `workflow/clocks.py`), all in one
transaction with a case event and an audit event. The source of the articles is docs/REGULATION.md.

Sides: **office** = the petition office that registered the matter; **handler** = the organ it was
forwarded or assigned to (and units inside it); **reviewer** = the organ deciding a review or re-review;
**any** = any user in scope with the role.
"""


def _states(values) -> str:
    return "、".join(PetitionStatus(value).label for value in values)


def _clock(kind: str) -> str:
    return Clock.Kind(kind).label


def rules_markdown() -> str:
    lines = [HEADER, "| 操作 action | 依据 article | 从 from | 到 to | 角色 roles · 方 side | 必填 fields | 期限 clocks | 文书 notice | 检查 checks |",
             "|---|---|---|---|---|---|---|---|---|"]
    for rule in RULES:
        clocks = []
        clocks += [f"启动{_clock(start.kind)}" for start in rule.starts]
        clocks += [f"停止{_clock(kind)}" for kind in rule.stops]
        clocks += [f"暂停{_clock(kind)}" for kind in rule.pauses]
        clocks += [f"恢复{_clock(kind)}" for kind in rule.resumes]
        if rule.extends:
            clocks.append(f"延长{_clock(rule.extends)}")
        fields = [FIELDS[name].label for name in rule.fields] + [f"（{FIELDS[name].label}）" for name in rule.optional_fields]
        lines.append("| " + " | ".join([
            f"{rule.label} `{rule.action}`",
            rule.article,
            _states(rule.sources),
            PetitionStatus(rule.target).label if rule.target else "（不变/按规则）",
            "、".join(Role(role).label for role in rule.roles) + " · " + "/".join(side.value for side in rule.sides),
            "、".join(fields) or "—",
            "；".join(clocks) or "—",
            Notice.Kind(rule.notice).label if rule.notice else "—",
            "、".join([f"`{check}`" for check in rule.checks]
                     + ([f"需{_clock(rule.needs_clock)}计算中"] if rule.needs_clock else [])) or "—",
        ]) + " |")
    policy = current_policy()
    lines += ["", "## Clocks (statutory defaults and local targets, `workflow/default_policy.toml`)", "",
              "| 期限 clock | 法定 statutory | 目标 target |", "|---|---|---|"]
    unit_names = {"calendar_days": "日", "working_days": "个工作日"}
    for kind, clock in policy.clocks.items():
        target = f"{clock.target.length} {unit_names[clock.target.unit]}" if clock.target else "—"
        lines.append(f"| {clock.label} `{kind}` | {clock.statutory.length} {unit_names[clock.statutory.unit]} | {target} |")
    lines += articles_markdown()
    return "\n".join(lines) + "\n"


def _ref(ref: str) -> str:
    kind, _, name = ref.partition(":")
    return f"{ {'rule': '规则', 'check': '检查', 'clock': '期限', 'setting': '设置', 'code': '代码'}[kind]} `{name}`"


def articles_markdown() -> list[str]:
    """The articles map (workflow/articles.py): each procedural article, where it lives, what proves it."""
    lines = ["", "## Articles 17–26 and 28–47 (`workflow/articles.py`)", "",
             "Every procedural article of the Regulation and where Xinfang implements it; tests/workflow/test_articles.py",
             "checks that each reference and each test exists. Art 27 states principles, not a procedure.", "",
             "| 条 article | 内容 | 实现 how | 代码 code | 测试 tests | 计划 planned |", "|---|---|---|---|---|---|"]
    for article in ARTICLES:
        planned = "、".join(f"issue {number}" for number in article.planned) or ("—" if not article.gap else "")
        if article.gap:
            planned = (planned + "；" if planned else "") + f"缺口：{article.gap}"
        lines.append("| " + " | ".join([
            f"第{article.number}条", article.title, article.how,
            "<br>".join(_ref(ref) for ref in article.refs) or "—",
            "<br>".join(f"`{node}`" for node in article.tests) or "—",
            planned,
        ]) + " |")
    return lines
