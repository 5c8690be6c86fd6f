"""`xinfang audit verify`: check the hash chain and report the first broken link."""

from django.core.management.base import BaseCommand, CommandError

from xinfang.audit.services import audit_verify


class Command(BaseCommand):
    help = "Audit log tools. `verify` checks the hash chain."

    def add_arguments(self, parser):
        parser.add_argument("subcommand", choices=["verify"])

    def handle(self, *args, **options):
        checked, broken = audit_verify()
        if broken is not None:
            raise CommandError(
                f"audit chain broken at event #{broken.event_id}: {broken.reason} "
                f"({checked} events before it verified)"
            )
        self.stdout.write(f"audit chain intact: {checked} events verified")
