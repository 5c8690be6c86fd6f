"""`xinfang matching clusters|identities`: rebuild mass matters, or identity keys and links, from the data."""

from datetime import datetime, time

from django.core.management.base import BaseCommand
from django.utils import timezone

from xinfang.matching.services import clusters_rebuild, identity_backfill


class Command(BaseCommand):
    help = ("Matching data. `clusters [--since YYYY-MM-DD]` rebuilds mass matters (涉众); "
            "`identities` writes identity keys and links for existing petitioners (after an import).")

    def add_arguments(self, parser):
        parser.add_argument("subcommand", choices=["clusters", "identities"])
        parser.add_argument("--since", type=lambda s: datetime.strptime(s, "%Y-%m-%d").date(),
                            help="clusters: only petitions received on or after this date")

    def handle(self, *args, **options):
        if options["subcommand"] == "identities":
            count = identity_backfill()
            self.stdout.write(f"identity keys and links written for {count} petitioners")
            return
        since = options.get("since")
        start = datetime.combine(since, time.min, timezone.get_current_timezone()) if since else None
        made = clusters_rebuild(since=start)
        self.stdout.write(f"{made} mass matters (涉众) rebuilt")
