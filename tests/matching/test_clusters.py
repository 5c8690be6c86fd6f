"""Mass matters (涉众): many different petitioners, one matter, one place, within a window."""

import json

import pytest
from django.core.management import call_command

from tests.conftest import ID_LI, ID_WANG, ID_ZHANG, ID_ZHAO
from tests.matching.conftest import register, when
from xinfang.exchange import bulk
from xinfang.exchange.export import export_queryset, petition_records
from xinfang.exchange.importer import import_file
from xinfang.matching.models import MassCluster
from xinfang.matching.selectors import cluster_months, cluster_view, cluster_views
from xinfang.matching.services import clusters_rebuild
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create
from xinfang.petitions.selectors import PetitionFilters
from xinfang.petitions.services import PetitionerInput

ESTATE = "我们是滨江花园小区业主，开发商逾期两年未办理房产证，多次协商无果，请求督促开发商尽快办证。"
PEOPLE = [("张小三", ID_ZHANG), ("李四", ID_LI), ("王五", ID_WANG), ("赵六", ID_ZHAO)]


def file_estate(district, category, people, months=(1, 1, 2, 2)):
    return [register(district, category, content=ESTATE, summary="反映开发商逾期不办房产证",
                     person=PetitionerInput(name=name, id_number=id_number), received_at=when(month, 3 + i))
            for i, ((name, id_number), month) in enumerate(zip(people, months, strict=False))]


def test_many_petitioners_on_one_matter_form_a_cluster_at_registration(district, category, fake_index):
    petitions = file_estate(district, category, PEOPLE)
    cluster = MassCluster.objects.get()
    assert set(cluster.members.values_list("petition_id", flat=True)) == {p.pk for p in petitions}
    assert (cluster.petition_count, cluster.petitioner_count, cluster.person_times) == (4, 4, 4)
    assert cluster.locality == district.township_a


def test_the_same_person_writing_again_is_a_repeat_not_a_mass_matter(district, category, fake_index):
    file_estate(district, category, [PEOPLE[0]] * 4)
    assert not MassCluster.objects.exists()


def test_other_place_or_far_apart_in_time_is_not_the_same_mass_matter(district, category, fake_index):
    register(district, category, content=ESTATE, person=PetitionerInput(name="张小三", id_number=ID_ZHANG),
             received_at=when(1, 3))
    register(district, category, content=ESTATE, person=PetitionerInput(name="李四", id_number=ID_LI),
             received_at=when(1, 4), locality=district.township_b)
    register(district, category, content=ESTATE, person=PetitionerInput(name="王五", id_number=ID_WANG),
             received_at=when(9, 4))
    assert not MassCluster.objects.exists()


def test_rebuild_finds_the_same_clusters_and_months_count_persons_and_petitions(district, category, fake_index):
    file_estate(district, category, PEOPLE)
    MassCluster.objects.all().delete()
    assert clusters_rebuild() == 1
    cluster = cluster_view(user=district.clerk, cluster_id=MassCluster.objects.get().pk)
    months = cluster_months(cluster=cluster, user=district.clerk)
    assert [(m.month, m.petitions, m.petitioners, m.person_times) for m in months] == [
        ("2026-01", 2, 2, 2), ("2026-02", 2, 2, 2)]


def test_clusters_command_rebuilds(district, category, fake_index, capsys):
    file_estate(district, category, PEOPLE)
    MassCluster.objects.all().delete()
    call_command("matching", "clusters")
    assert "1" in capsys.readouterr().out
    assert MassCluster.objects.count() == 1


def test_clusters_are_listed_only_where_a_petition_is_visible(district, category, fake_index):
    file_estate(district, category, PEOPLE)
    assert len(cluster_views(user=district.clerk)) == 1
    assert cluster_views(user=district.township_b_user) == []


@pytest.mark.parametrize("content", ["。。。", "123456"])
def test_content_too_short_never_clusters(district, category, fake_index, content):
    for name, id_number in PEOPLE:
        register(district, category, content=content, summary="？", demands="",
                 person=PetitionerInput(name=name, id_number=id_number))
    assert not MassCluster.objects.exists()


@pytest.mark.parametrize("inline_limit", [2000, 1])
def test_an_import_clusters_its_petitions_or_says_which_command_will(district, category, fake_index, tmp_path,
                                                                     monkeypatch, inline_limit):
    monkeypatch.setattr(bulk, "CLUSTER_INLINE_LIMIT", inline_limit)
    file_estate(district, category, PEOPLE[:2])  # two people: not a mass matter yet
    assert not MassCluster.objects.exists()
    records = []
    for record, (name, id_number) in zip(
            petition_records(queryset=export_queryset(user=None, filters=PetitionFilters()), unmask=True),
            PEOPLE[2:], strict=True):
        person = {**record["petitioners"][0], "name": name, "id_number": id_number, "phone": "", "address": ""}
        records.append({**record, "source_system": "old-system", "number": "", "petitioners": [person]})
    path = tmp_path / "two.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    admin = user_create(username="importer", password="pw-123456", org=district.office,
                        roles=[Role.ADMINISTRATOR], is_superuser=True)

    report = import_file(path=path, actor=admin)
    assert (report.created, report.errors) == (2, [])
    if inline_limit == 2000:
        cluster = MassCluster.objects.get()
        assert (cluster.petition_count, cluster.petitioner_count) == (4, 4)
        assert report.notes == []
    else:
        assert not MassCluster.objects.exists()
        assert report.notes == ["本次导入2件，未逐件归并涉众事项；请运行 xinfang matching clusters --since 2026-01-03"]
        call_command("matching", "clusters", "--since", "2026-01-03")
        assert MassCluster.objects.get().petition_count == 4
