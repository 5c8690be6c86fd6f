"""Shared by the export and import tests: a petition carried to a delivered, evaluated decision; an empty database."""

from datetime import date

import pytest
from django.apps import apps
from django.db import connection

from tests.audit.conftest import tampering
from tests.conftest import act
from xinfang.audit.models import AuditEvent
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create


@pytest.fixture
def delivered(registered, district, actors):
    act(registered, "forward", actors.reviewer, on=date(2026, 3, 3), handling_org=district.township_a.pk)
    act(registered, "accept", actors.handler, on=date(2026, 3, 5))
    act(registered, "reply", actors.head, on=date(2026, 4, 20), outcome="partly_supported",
        facts="经查，拖欠工资属实。", decision="责令公司30日内支付。", legal_basis="《保障农民工工资支付条例》")
    act(registered, "deliver", actors.handler, on=date(2026, 4, 22), delivery_method="in_person")
    act(registered, "evaluate", actors.clerk, on=date(2026, 4, 25), rating="mostly_satisfied", rated_by="petitioner")
    registered.refresh_from_db()
    return registered


@pytest.fixture
def importer(district):
    """A superuser of the district's office: the only kind of user who may import."""
    return user_create(username="importer", password="pw-123456", org=district.office,
                       roles=[Role.ADMINISTRATOR], is_superuser=True)


@pytest.fixture
def fresh_rows(db) -> dict:
    """Every table's primary keys as migrated, before any fixture adds to them."""
    tables = set(connection.introspection.table_names())
    return {model: set(model._base_manager.values_list("pk", flat=True))
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and model._meta.db_table in tables}


def empty_database(fresh_rows: dict) -> None:
    # The audit events go too (a fresh database has none), first and past their append-only triggers, as a
    # test may; the rest after, with PostgreSQL's foreign keys deferred again (any order then).
    with tampering():
        AuditEvent._base_manager.exclude(pk__in=list(fresh_rows.get(AuditEvent, ())))._raw_delete(connection.alias)
    for model, kept in fresh_rows.items():
        if model is not AuditEvent:
            model._base_manager.exclude(pk__in=list(kept))._raw_delete(connection.alias)
    connection.check_constraints()  # nothing left points at a deleted row
