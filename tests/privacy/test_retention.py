"""Retention (XINFANG_PERSONAL_DATA_RETENTION_YEARS): petitioners whose matters all finished longer ago are
anonymised, statistics unchanged; a held or a young matter is kept; a dry run changes nothing."""

import io
from datetime import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Count, Sum
from django.utils import timezone

from tests.conftest import ID_LI, ID_WANG, ID_ZHANG, petition_input
from tests.matching.conftest import fake_index  # noqa: F401  (fixture)
from xinfang.audit.models import AuditEvent
from xinfang.matching.models import IdentityKey
from xinfang.matching.selectors import Draft, DraftPerson, repeat_candidates
from xinfang.petitions import crypto
from xinfang.petitions.models import Petition, PetitionEvent, PetitionParty, PetitionStatus, Petitioner
from xinfang.petitions.services import PetitionerInput, petition_register
from xinfang.privacy import services
from xinfang.privacy.models import Anonymisation, DataRequest
from xinfang.privacy.selectors import petitioners_due_for_anonymisation
from xinfang.stats.indicators import compute_totals
from xinfang.stats.selectors import stats_filters_parse, stats_query

WAGES = "本人在青石镇某工地务工，工程结束后建筑公司拖欠工资三个月未付，多次讨要无果。"


def _at(year: int, month: int = 1, day: int = 10) -> datetime:
    return timezone.make_aware(datetime(year, month, day, 10, 0))


def _matter(district, category, *, name: str, id_number: str, received: datetime, finished: datetime | None,
            status: str = PetitionStatus.CLOSED, phone: str = "13812345678") -> Petition:
    petition, _ = petition_register(data=petition_input(
        locality=district.township_a, category=category, received_at=received, content=WAGES,
        petitioners=[PetitionerInput(name=name, id_number=id_number, phone=phone,
                                     address=f"清溪区青石镇桃源村{phone[-1]}组")]), actor=district.clerk)
    if finished is not None:
        # History told in the database: the procedure's own tests cover how a matter comes to be closed.
        Petition.objects.filter(pk=petition.pk).update(status=status)
        PetitionEvent.objects.create(petition=petition, kind="close" if status == PetitionStatus.CLOSED else
                                     "finalize", occurred_at=finished, actor=district.clerk)
    return petition


@pytest.fixture
def matters(district, category, notice):
    """Old (finished 2015, 张), held (finished 2015, 李), young (finished 2025, 王)."""
    return {
        "old": _matter(district, category, name="张小三", id_number=ID_ZHANG, received=_at(2014, 6),
                       finished=_at(2015)),
        "held": _matter(district, category, name="李四", id_number=ID_LI, received=_at(2014, 7), finished=_at(2015),
                        status=PetitionStatus.FINAL, phone="13900000002"),
        "young": _matter(district, category, name="王五", id_number=ID_WANG, received=_at(2024, 7),
                         finished=_at(2025), phone="13700000003"),
    }


def _statistics() -> dict:
    # Every indicator of the statistics module over the fixture's years (a period is at most ten years), and the
    # rows they count.
    figures = {}
    for start, end in (("2014-01-01", "2016-12-31"), ("2024-01-01", "2026-12-31")):
        q = stats_query(user=None, filters=stats_filters_parse(start=start, end=end))
        figures[start] = {key: figure.value for key, figure in compute_totals(q).items()}
    return {
        "indicators": figures,
        "by_category_locality_channel": list(Petition.objects.values("category", "locality", "channel", "status")
                                             .annotate(n=Count("id"), people=Sum("person_times")).order_by("category")),
        "parties": PetitionParty.objects.count(),
        "petitioners_by_kind": list(Petitioner.objects.values("kind").annotate(n=Count("id")).order_by("kind")),
    }


def _person(petition: Petition) -> Petitioner:
    return petition.parties.get().petitioner


@pytest.mark.django_db(transaction=True)
def test_an_old_finished_matter_is_anonymised_and_statistics_stay(district, matters, reviewer):
    # given
    services.hold_place(actor=reviewer, petition_id=matters["held"].pk, reason="当事人已提起行政诉讼")
    before = _statistics()
    assert before["indicators"]["2014-01-01"]["registered"] == 2  # 张's and 李's letters of 2014
    # when
    call_command("privacy", "anonymise")
    # then
    old = _person(matters["old"])
    assert (old.name, old.id_number, old.phone, old.address) == ("已匿名化", "", "", "")
    assert (old.id_number_index, old.phone_index, old.name_index) == ("", "", "")
    assert not IdentityKey.objects.filter(petitioner=old).exists()
    assert old.anonymisation.cause == Anonymisation.Cause.RETENTION
    assert _statistics() == before
    [event] = AuditEvent.objects.filter(action="privacy.anonymise")
    assert event.data["petitioners"] == [old.pk]


@pytest.mark.django_db(transaction=True)
def test_a_held_matter_and_a_young_one_are_not_anonymised(district, matters, reviewer):
    # given
    services.hold_place(actor=reviewer, petition_id=matters["held"].pk, reason="纪检监察机关调查中")
    # when
    services.anonymise_due()
    # then
    assert _person(matters["held"]).name == "李四"
    assert _person(matters["young"]).name == "王五"
    assert _person(matters["young"]).id_number_index == crypto.blind_index(ID_WANG)


@pytest.mark.django_db(transaction=True)
def test_a_released_hold_lets_the_matter_be_anonymised(district, matters, reviewer):
    hold = services.hold_place(actor=reviewer, petitioner_id=_person(matters["held"]).pk, reason="诉讼中")
    services.anonymise_due()
    assert _person(matters["held"]).name == "李四"
    services.hold_release(hold_id=hold.pk, actor=reviewer, reason="诉讼已终结")
    services.anonymise_due()
    assert _person(matters["held"]).name == "已匿名化"


@pytest.mark.django_db(transaction=True)
def test_the_commands_dry_run_says_how_many_and_changes_nothing(district, matters):
    out = io.StringIO()
    call_command("privacy", "anonymise", "--dry-run", stdout=out)
    assert out.getvalue().strip() == "试运行：将匿名化 2 名信访人（保存期限 10 年），未作改动"
    assert Anonymisation.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_dry_run_changes_nothing(district, matters):
    # when
    report = services.anonymise_due(dry_run=True)
    # then: 张 and 李 are due, nothing changed, nothing audited
    assert report.petitioners == 2
    assert _person(matters["old"]).name == "张小三"
    assert Anonymisation.objects.count() == 0
    assert not AuditEvent.objects.filter(action="privacy.anonymise").exists()


@pytest.mark.django_db(transaction=True)
def test_a_petitioner_with_a_young_matter_keeps_the_old_one_too(district, category, matters):
    # given: 张 raised a new matter last year, still open
    _matter(district, category, name="张小三", id_number=ID_ZHANG, received=_at(2025, 3), finished=None)
    # then
    assert _person(matters["old"]) not in petitioners_due_for_anonymisation()


@pytest.mark.django_db(transaction=True)
def test_the_retention_period_is_a_setting(district, matters, settings):
    settings.XINFANG_PERSONAL_DATA_RETENTION_YEARS = 20
    assert services.anonymise_due(dry_run=True).petitioners == 0


@pytest.mark.django_db(transaction=True)
def test_repeat_matching_still_finds_the_others(district, category, matters, fake_index):  # noqa: F811
    # when
    services.anonymise_due()
    # then: 王's young matter is still found by his ID number; 张's old one by nobody's
    draft = Draft(text="反映某建筑公司拖欠农民工工资\n" + WAGES, people=(DraftPerson(id_number=ID_WANG),),
                  locality_id=district.township_a.pk, received_at=_at(2026, 3))
    assert [c.petition_id for c in repeat_candidates(actor=district.clerk, draft=draft).candidates] == [
        matters["young"].pk]
    draft = Draft(text=WAGES, people=(DraftPerson(name="张小三", id_number=ID_ZHANG, phone="13812345678",
                                                  address="清溪区青石镇桃源村8组"),),
                  locality_id=district.township_a.pk, received_at=_at(2026, 3))
    assert matters["old"].pk not in [c.petition_id for c in repeat_candidates(actor=district.clerk,
                                                                               draft=draft).candidates]


@pytest.mark.django_db(transaction=True)
def test_a_granted_deletion_anonymises_a_finished_petitioner(district, matters, reviewer):
    # given
    young = _person(matters["young"])
    request = services.request_receive(actor=district.clerk, data=services.RequestInput(
        petitioner_id=young.pk, kind=DataRequest.Kind.DELETION, received_on=timezone.localdate(),
        channel="letter", asked="事项已办结，请删除我的个人信息"))
    # when
    services.request_decide(request_id=request.pk, grant=True, reason="处理目的已实现", actor=reviewer)
    # then
    young.refresh_from_db()
    assert young.name == "已匿名化" and young.anonymisation.cause == Anonymisation.Cause.DELETION
    request.refresh_from_db()
    assert request.asked == "已匿名化"


@pytest.mark.django_db(transaction=True)
def test_a_deletion_request_pending_when_retention_anonymised_the_petitioner_is_refused_cleanly(district, matters,
                                                                                                 reviewer):
    # given: 张 asked for deletion; the retention run got there first
    old = _person(matters["old"])
    request = services.request_receive(actor=district.clerk, data=services.RequestInput(
        petitioner_id=old.pk, kind=DataRequest.Kind.DELETION, received_on=timezone.localdate(),
        channel="letter", asked="请删除我的个人信息"))
    services.anonymise_due()
    # when / then
    with pytest.raises(ValidationError) as error:
        services.request_decide(request_id=request.pk, grant=True, reason="同意", actor=reviewer)
    assert error.value.message_dict["reason"] == ["该信访人的个人信息已匿名化"]
    assert Anonymisation.objects.filter(petitioner=old).count() == 1
