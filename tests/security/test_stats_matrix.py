"""Statistics: no drill-down row of a petition the reader may not see, and no figure that counts one.

A figure is compared with the same world without every petition the reader may not see (deleted, in
the test's savepoint, with what hangs on them; a repeat of a deleted first petition becomes a first
petition): an accusation hidden from the accused unit must change none of the reader's figures.
"""

import pytest
from django.db.models import Q

from tests.security.conftest import PERIOD, READERS, expected_visible
from tests.security.helpers import visible_keys
from xinfang.matching.models import RepeatLinkEvent
from xinfang.petitions.models import Petition
from xinfang.stats.indicators import INDICATORS, compute_totals
from xinfang.stats.selectors import stats_filters_parse, stats_query

INDICATOR_KEYS = [indicator.key for indicator in INDICATORS]


def _query(user):
    return stats_query(user=user, filters=stats_filters_parse(start=PERIOD[0], end=PERIOD[1]))


@pytest.mark.parametrize("key", INDICATOR_KEYS)
@pytest.mark.parametrize("reader", READERS)
def test_a_drilldown_lists_only_visible_petitions(world, reader, key):
    user = world.user(reader)
    indicator = next(i for i in INDICATORS if i.key == key)
    q = _query(user)
    by_pk = {info.pk: info for info in world.petitions.values()}
    for part in ("numerator", "denominator") if indicator.denominator else ("numerator",):
        shown = set(indicator.petitions(q, part).values_list("pk", flat=True))
        leaked = sorted(by_pk[pk].key for pk in shown if not expected_visible(world, user, by_pk[pk]))
        assert not leaked, f"{key} ({part}) for {reader} lists petitions it may not see: {leaked}"


def _delete_petitions(pks: list[int]) -> None:
    """The world as if these petitions had never been registered."""
    Petition.objects.filter(first_petition_id__in=pks).update(first_petition=None)
    RepeatLinkEvent.objects.filter(Q(first_petition_before__in=pks) | Q(first_petition_after__in=pks)).delete()
    for rel in Petition._meta.related_objects:
        if not rel.many_to_many and rel.related_model is not Petition:
            rel.related_model._base_manager.filter(**{f"{rel.field.name}__in": pks}).delete()
    Petition.objects.filter(pk__in=pks).delete()


def _figures(user) -> dict:
    return {key: (figure.value, figure.numerator, figure.denominator)
            for key, figure in compute_totals(_query(user), INDICATORS).items()}


@pytest.mark.parametrize("reader", READERS)
def test_figures_do_not_count_what_the_reader_may_not_see(world, reader):
    user = world.user(reader)
    figures = _figures(user)
    visible = visible_keys(world, user)
    assert figures["registered"][0] == len(visible), (
        f"{reader}: 登记件次 is {figures['registered'][0]}, the reader may see {len(visible)} petitions")
    _delete_petitions([info.pk for key, info in world.petitions.items() if key not in visible])
    without = _figures(world.user(reader))
    changed = {key: (figures[key], without[key]) for key in figures if figures[key] != without[key]}
    assert not changed, f"{reader}: figures count petitions it may not see (with, without): {changed}"
