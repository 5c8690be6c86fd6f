"""Outbound webhooks against a real HTTP receiver on loopback: signed, scoped to what the subscriber may see,
retried with back-off, given up after the last attempt."""

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone

from tests.conftest import act
from xinfang.api.services_webhooks import RETRY_MINUTES, deliveries_due, delivery_send, webhook_subscribe
from xinfang.api.webhooks import WebhookDelivery

pytestmark = pytest.mark.django_db


class Receiver:
    """A loopback HTTP server that records each request and answers with `status`."""

    def __init__(self):
        self.requests: list[tuple[dict, bytes]] = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


def test_a_forward_is_delivered_signed_and_without_content(receiver, registered, actors, district,
                                                           django_capture_on_commit_callbacks):
    subscription, secret = webhook_subscribe(name="12345平台", url=receiver.url, user=actors.reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        act(registered, "forward", actors.reviewer, handling_org=district.township_a.pk)
    assert len(receiver.requests) == 1
    headers, body = receiver.requests[0]
    expected = hmac.new(secret.encode(), headers["X-Xinfang-Timestamp"].encode() + b"." + body,
                        hashlib.sha256).hexdigest()
    assert headers["X-Xinfang-Signature"] == f"sha256={expected}"
    payload = json.loads(body)
    assert payload["event"] == "forward" and payload["petition"]["number"] == registered.number
    assert payload["petition"]["handling_org"] == district.township_a.name
    assert registered.summary not in body.decode() and "content" not in payload["petition"]
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, str(delivery.pk)) == ("delivered", 1, headers["X-Xinfang-Delivery"])
    assert subscription.deliveries.count() == 1


def test_a_subscriber_hears_only_of_what_its_user_may_see_and_the_kinds_it_asked_for(
        receiver, registered, actors, district, django_capture_on_commit_callbacks):
    webhook_subscribe(name="白沙镇", url=receiver.url, user=actors.other_township_head)
    webhook_subscribe(name="只要受理", url=receiver.url, user=actors.reviewer, events="accept")
    with django_capture_on_commit_callbacks(execute=True):
        act(registered, "forward", actors.reviewer, handling_org=district.township_a.pk)
    assert receiver.requests == [] and not WebhookDelivery.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        act(registered, "accept", actors.head)
    assert [json.loads(body)["event"] for _, body in receiver.requests] == ["accept"]


def test_a_failing_receiver_is_retried_with_back_off_then_given_up(receiver, registered, actors, district,
                                                                   django_capture_on_commit_callbacks):
    webhook_subscribe(name="不稳定", url=receiver.url, user=actors.reviewer)
    receiver.status = 500
    with django_capture_on_commit_callbacks(execute=True):
        act(registered, "forward", actors.reviewer, handling_org=district.township_a.pk)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    assert timedelta(seconds=50) < delivery.next_attempt_at - timezone.now() <= timedelta(minutes=1)
    assert deliveries_due() == []  # not before its time
    receiver.status = 200
    assert deliveries_due(now=timezone.now() + timedelta(minutes=2)) == [delivery.pk]
    assert delivery_send(delivery_id=delivery.pk) == "delivered"
    assert delivery_send(delivery_id=delivery.pk) == "delivered"  # never sent twice
    assert len(receiver.requests) == 2

    receiver.status = 503
    with django_capture_on_commit_callbacks(execute=True):
        act(registered, "accept", actors.head)
    second = WebhookDelivery.objects.exclude(pk=delivery.pk).get()
    for _ in RETRY_MINUTES:
        delivery_send(delivery_id=second.pk)
    second.refresh_from_db()
    assert (second.status, second.attempts, second.next_attempt_at) == ("failed", len(RETRY_MINUTES) + 1, None)


def test_a_bad_subscription_is_refused_and_nothing_is_saved(actors):
    with pytest.raises(Exception, match="http"):
        webhook_subscribe(name="x", url="ftp://example/hook", user=actors.reviewer)
    with pytest.raises(Exception, match="name"):
        webhook_subscribe(name=" ", url="http://127.0.0.1:9/hook", user=actors.reviewer)
    assert not WebhookDelivery.objects.exists()
