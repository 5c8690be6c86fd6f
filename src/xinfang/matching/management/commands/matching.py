"""`xinfang matching clusters|identities|facts`: rebuild mass matters, identity keys and links, or the stored
facts of the same-matter judgement, from the data."""

from datetime import datetime, time

from django.core.management.base import BaseCommand
from django.utils import timezone

from xinfang.matching.services import clusters_rebuild, identity_backfill
from xinfang.matching.stored import facts_rebuild


class Command(BaseCommand):
    help = ("Matching data. `clusters [--since YYYY-MM-DD]` rebuilds mass matters (涉众); "
            "`identities` writes identity keys and links for existing petitioners (after an import); "
            "`facts [--missing] [--workers N]` stores each petition's facts for the same-matter judgement "
            "(all, or only those without a row of the current extractor version).")

    def add_arguments(self, parser):
        parser.add_argument("subcommand", choices=["clusters", "identities", "facts"])
        parser.add_argument("--since", type=lambda s: datetime.strptime(s, "%Y-%m-%d").date(),
                            help="clusters: only petitions received on or after this date")
        parser.add_argument("--missing", action="store_true",
                            help="facts: only petitions without facts of the current extractor version")
        parser.add_argument("--workers", type=int, default=1, help="facts: processes reading the texts")

    def handle(self, *args, **options):
        if options["subcommand"] == "facts":
            count = facts_rebuild(missing_only=options["missing"], workers=max(1, options["workers"]),
                                  progress=self._progress if options["verbosity"] > 1 else None)
            self.stdout.write(f"facts stored for {count} petitions")
            return
        if options["subcommand"] == "identities":
            count = identity_backfill()
            self.stdout.write(f"identity keys and links written for {count} petitioners")
            return
        since = options.get("since")
        start = datetime.combine(since, time.min, timezone.get_current_timezone()) if since else None
        made = clusters_rebuild(since=start)
        self.stdout.write(f"{made} mass matters (涉众) rebuilt")

    def _progress(self, done: int) -> None:
        if done % 50_000 < 2_000:
            self.stdout.write(f"  {done:,} petitions", ending="\n")
            self.stdout.flush()
