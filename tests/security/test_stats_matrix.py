"""Statistics: no drill-down row of a petition the reader may not see, and no figure that counts one.

A figure is compared with the same world in which every petition the reader may not see has been moved
out of everyone's reach (to an org outside the tree): an accusation hidden from the accused unit must
change none of its figures.
"""

import pytest

from tests.security.conftest import PERIOD, READERS, expected_visible
from tests.security.helpers import visible_keys
from xinfang.orgs.models import Org
from xinfang.orgs.services import org_create
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
    # The same world without the petitions the reader may not see.
    hidden = [info.pk for key, info in world.petitions.items() if key not in visible]
    nowhere = org_create(name="域外机构", kind=Org.Kind.GOVERNMENT, level=Org.Level.COUNTY)
    Petition.objects.filter(pk__in=hidden).update(registering_org=nowhere, locality=nowhere, handling_org=nowhere,
                                                  complained_org=None)
    without = _figures(world.user(reader))
    changed = {key: (figures[key], without[key]) for key in figures if figures[key] != without[key]}
    assert not changed, f"{reader}: figures count petitions it may not see (with, without): {changed}"
