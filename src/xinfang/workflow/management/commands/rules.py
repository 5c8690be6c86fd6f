"""`xinfang rules --markdown`: print the procedure's rules table (docs/RULES.md is its output)."""

from django.core.management.base import BaseCommand

from xinfang.workflow.rules_doc import rules_markdown


class Command(BaseCommand):
    help = "Print the rules of the procedure as Markdown (the source of docs/RULES.md)."

    def add_arguments(self, parser):
        parser.add_argument("--markdown", action="store_true", help="Markdown table (the only format for now)")

    def handle(self, *args, **options):
        self.stdout.write(rules_markdown(), ending="")
