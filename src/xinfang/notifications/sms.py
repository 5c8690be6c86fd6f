"""SMS through a pluggable gateway: `send_sms(phone, text)` with the backend settings.XINFANG_SMS_BACKEND names.

A real provider (a carrier's SMS platform or a government 短信平台) is a class with a `send(phone, text)` method;
put its dotted path in XINFANG_SMS_BACKEND and its credentials in its own settings (docs/SUPERVISION.md).
The default writes the message to the log and sends nothing.
"""

import logging
from abc import ABC, abstractmethod
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from xinfang.petitions.masking import mask_phone

logger = logging.getLogger("xinfang.sms")

DEFAULT_BACKEND = "xinfang.notifications.sms.LoggingSmsBackend"


class BaseSmsBackend(ABC):
    """What a gateway implements: send one message, raising on failure (the caller marks it failed)."""

    @abstractmethod
    def send(self, phone: str, text: str) -> None: ...


class LoggingSmsBackend(BaseSmsBackend):
    """Logs the message (the number masked), sends nothing: the default, and for development."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), text)


class MemorySmsBackend(BaseSmsBackend):
    """Keeps messages in `outbox` (tests)."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        MemorySmsBackend.outbox.append((phone, text))


@cache
def _backend(path: str) -> BaseSmsBackend:
    return import_string(path)()


def send_sms(phone: str, text: str) -> None:
    _backend(getattr(settings, "XINFANG_SMS_BACKEND", DEFAULT_BACKEND) or DEFAULT_BACKEND).send(phone, text)
