"""`xinfang token create|list|revoke --user NAME`: API tokens (docs/API.md)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from xinfang.api.models import ApiToken
from xinfang.api.services import DEFAULT_DAYS, api_token_create, api_tokens_revoke
from xinfang.orgs.models import User


class Command(BaseCommand):
    help = ("API tokens. `create --user NAME [--scopes read,register,act] [--days 90]` prints a token for "
            "`Authorization: Bearer …`; `list --user NAME`; `revoke --user NAME [--prefix xf_…]`.")

    def add_arguments(self, parser):
        parser.add_argument("subcommand", choices=["create", "list", "revoke"])
        parser.add_argument("--user", required=True, help="username the token acts as")
        parser.add_argument("--name", default="", help="what the token is for")
        parser.add_argument("--scopes", default="read,register,act", help="read, register, act (comma-separated)")
        parser.add_argument("--days", type=int, default=DEFAULT_DAYS, help="days until it expires (1–365)")
        parser.add_argument("--prefix", default="", help="revoke only the token starting with this (10 characters)")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"no user named {options['user']!r}")
        if options["subcommand"] == "create":
            if not user.is_active:
                raise CommandError(f"user {user.username!r} is disabled")
            try:
                self.stdout.write(api_token_create(user=user, name=options["name"], scopes=options["scopes"],
                                                   days=options["days"]))
            except ValidationError as error:
                raise CommandError("; ".join(error.messages)) from None
        elif options["subcommand"] == "list":
            now = timezone.now()
            for token in ApiToken.objects.filter(user=user):
                state = ("revoked" if token.revoked_at else "expired" if token.expires_at <= now else "live")
                self.stdout.write(f"{token.prefix}…  {state:<8} scopes={token.scopes}  expires "
                                  f"{token.expires_at:%Y-%m-%d}  {token.name}")
        else:
            count = api_tokens_revoke(user=user, prefix=options["prefix"])
            self.stdout.write(f"revoked {count} token(s)")
