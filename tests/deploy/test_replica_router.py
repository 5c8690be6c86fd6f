"""The statistics replica router without a replica server (the servers' test: tests/deploy/test_replica.py)."""

import pytest
from django.db import connections
from django.test import Client

from xinfang.config import routers
from xinfang.config.routers import ReplicaRouter, reading_replica
from xinfang.petitions.models import Petition


@pytest.fixture
def configured(monkeypatch):
    monkeypatch.setattr(routers, "replica_configured", lambda: True)


def test_without_the_setting_the_router_answers_nothing():
    router = ReplicaRouter()
    with reading_replica():
        assert router.db_for_read(Petition) is None
    assert router.db_for_write(Petition) is None
    assert router.allow_migrate("default", "petitions") is None


def test_reads_go_to_the_replica_only_inside_reading_replica(configured):
    router = ReplicaRouter()
    assert not connections["default"].in_atomic_block
    assert router.db_for_read(Petition) is None  # outside: Django's default
    with reading_replica():
        assert router.db_for_read(Petition) == "replica"
        assert router.db_for_write(Petition) == "default"
    assert router.db_for_read(Petition) is None
    stale = Petition()
    stale._state.db = "replica"  # read from the replica, then followed outside the block
    assert router.db_for_read(Petition, instance=stale) == "default"
    assert router.db_for_write(Petition, instance=stale) == "default"
    assert router.allow_migrate("replica", "petitions") is False
    assert router.allow_migrate("default", "petitions") is None
    fresh = Petition()
    fresh._state.db = "default"
    assert router.allow_relation(stale, fresh) is True


@pytest.mark.django_db
def test_reads_inside_a_transaction_on_the_primary_stay_there(configured):
    # A django_db test runs inside a transaction: like a service's write, its reads must see the primary.
    assert connections["default"].in_atomic_block
    with reading_replica():
        assert ReplicaRouter().db_for_read(Petition) is None


@pytest.mark.django_db
def test_the_statistics_views_switch_to_the_replica(monkeypatch, actors):
    seen = []
    real = routers.reading_replica

    def spy():
        seen.append(True)
        return real()

    monkeypatch.setattr(routers, "reading_replica", spy)
    client = Client()
    client.force_login(actors.clerk)
    client.get("/petitions/")
    assert seen == []  # outside statistics nothing changes
    assert client.get("/stats/").status_code in (200, 403)
    assert seen == [True]
