"""`xinfang webhooks subscribe|list|send-due`: outbound webhooks (docs/API.md)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from xinfang.api.services_webhooks import deliveries_due, delivery_send, webhook_subscribe
from xinfang.api.webhooks import WebhookDelivery, WebhookSubscription
from xinfang.orgs.models import User


class Command(BaseCommand):
    help = ("Outbound webhooks. `subscribe --name N --url URL --user NAME [--events 'forward accept']` prints the "
            "signing secret once; `list`; `send-due` sends pending deliveries whose time has come.")

    def add_arguments(self, parser):
        parser.add_argument("subcommand", choices=["subscribe", "list", "send-due"])
        parser.add_argument("--name", default="")
        parser.add_argument("--url", default="")
        parser.add_argument("--user", default="", help="the user the subscription acts as (what it may see)")
        parser.add_argument("--events", default="*", help="event codes, space- or comma-separated; * for all")

    def handle(self, *args, **options):
        if options["subcommand"] == "subscribe":
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"no user named {options['user']!r}")
            try:
                subscription, secret = webhook_subscribe(name=options["name"], url=options["url"], user=user,
                                                         events=options["events"])
            except ValidationError as error:
                raise CommandError("; ".join(error.messages)) from None
            self.stdout.write(f"subscription {subscription.pk}; signing secret (shown once): {secret}")
        elif options["subcommand"] == "list":
            for subscription in WebhookSubscription.objects.select_related("user").order_by("pk"):
                counts = {status: subscription.deliveries.filter(status=status).count()
                          for status in WebhookDelivery.Status.values}
                self.stdout.write(f"{subscription.pk} {subscription.name} {subscription.url} as "
                                  f"{subscription.user.username} events={subscription.events} "
                                  f"{'active' if subscription.active else 'inactive'} {counts}")
        else:
            statuses = [delivery_send(delivery_id=delivery_id) for delivery_id in deliveries_due()]
            self.stdout.write(f"sent {len(statuses)}: {statuses.count('delivered')} delivered, "
                              f"{statuses.count('pending')} to retry, {statuses.count('failed')} given up")
