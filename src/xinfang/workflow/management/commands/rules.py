"""`xinfang rules`: each action's code and the keys of its `values` (what an import file's history holds);
`xinfang rules --markdown`: the procedure's rules table (docs/RULES.md is its output)."""

from django.core.management.base import BaseCommand

from xinfang.workflow.fields import FIELDS
from xinfang.workflow.rules import RULES
from xinfang.workflow.rules_doc import rules_markdown

# How an import file writes a value of each widget (docs/IMPORT.md: orgs by org code).
KIND_TEXT = {"org": "机构代码", "number": "整数", "text": "文字", "textarea": "文字"}


def _value_line(name: str, *, required: bool) -> str:
    spec = FIELDS[name]
    if spec.choices is not None:
        kind = "代码：" + "、".join(f"{code} {label}" for code, label in spec.choices.choices)
    else:
        kind = KIND_TEXT.get(spec.widget, "文字")
    return f"    {name}　{spec.label}（{'必填' if required else '可选'}）　{kind}"


def rules_values() -> str:
    """One block per action: its code, label and article, then each value key with its label and form."""
    lines = ["办理步骤（history[].action）及其 values 的键；代码类的值也可写中文名称，机构写机构代码（docs/IMPORT.md）", ""]
    for rule in RULES:
        lines.append(f"{rule.action}　{rule.label}　{rule.article}")
        lines += [_value_line(name, required=True) for name in rule.fields]
        lines += [_value_line(name, required=False) for name in rule.optional_fields]
        if not rule.fields and not rule.optional_fields:
            lines.append("    （无，values 为 {}）")
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = ("List each action of the procedure with the keys of its values (for import files); "
            "--markdown prints the rules table (the source of docs/RULES.md).")

    def add_arguments(self, parser):
        parser.add_argument("--markdown", action="store_true", help="the rules table as Markdown (docs/RULES.md)")

    def handle(self, *args, **options):
        self.stdout.write(rules_markdown() if options["markdown"] else rules_values(), ending="")
