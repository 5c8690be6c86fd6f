"""`xinfang token create --user NAME`: print a new API token for that user."""

from django.core.management.base import BaseCommand, CommandError

from xinfang.api.services import api_token_create
from xinfang.orgs.models import User


class Command(BaseCommand):
    help = "API tokens. `create --user NAME` prints a token for `Authorization: Bearer …`."

    def add_arguments(self, parser):
        parser.add_argument("subcommand", choices=["create"])
        parser.add_argument("--user", required=True, help="username the token acts as")
        parser.add_argument("--name", default="", help="what the token is for")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user named {options['user']!r}")
        self.stdout.write(api_token_create(user=user, name=options["name"]))
