"""The index in the database: lookups, registration, rebuild, bad input."""

import pytest
from django.core.management import call_command
from django.db import connection

from xinfang.petitions.services import petition_register
from xinfang.similarity import minhash
from xinfang.similarity.models import BandKey, PetitionShingles
from xinfang.similarity.selectors import SimilarMatch, similar_petitions, similarity_between
from xinfang.similarity.services import index_petition, index_petitions, index_rebuild
from xinfang.similarity.text import petition_text
from tests.conftest import petition_input

WAGES = ("反映清溪建设公司拖欠农民工工资。我们二十三人在清溪建设公司承建的滨江大道安置房项目工地务工，"
         "工程完工后公司以甲方未付款为由拖欠工资共计18.6万元，已经拖了七个月，多次讨要未果。"
         "请求督促公司尽快支付拖欠的工资。")
# The same matter again, reworded: synonyms, sentences reordered, a detail added, one in traditional script.
WAGES_AGAIN = ("請求督促公司儘快支付拖欠的工資。清溪建设公司拖欠我们农民工工资共计18.6万元，已经拖了七个月。"
               "我们二十三人在清溪建设公司承建的滨江大道安置房项目工地打工，工程完工后公司以甲方未付款为由"
               "拖欠工资，多次讨要未果，老板电话也打不通了。")
# Same village, different matter.
ROAD = ("反映桃源村路灯长期不亮。桃源村主干道的路灯已损坏五个月，晚上一片漆黑，老人和学生出行很不安全。"
        "请求尽快维修路灯。")


@pytest.fixture
def indexed(db):
    index_petitions([(1, WAGES), (2, ROAD)])


def test_reworded_petition_is_found_and_unrelated_one_in_same_village_is_not(indexed):
    matches = similar_petitions(text=WAGES_AGAIN)
    assert [m.petition_id for m in matches] == [1]
    assert 0.3 <= matches[0].similarity < 1


def test_same_kind_of_matter_in_the_same_village_scores_below_the_reworded_repeat(db):
    # Six other wage complaints from the same village, worded alike: other firms, amounts and people.
    others = [(10 + n, WAGES.replace("清溪建设公司", firm).replace("18.6万元", amount).replace("二十三人", people))
              for n, (firm, amount, people) in enumerate([
                  ("宏达劳务公司", "9.2万元", "十五人"), ("鑫源装饰公司", "31万元", "四十人"),
                  ("恒信机械厂", "6.8万元", "八人"), ("华宇建筑公司", "12万元", "十九人"),
                  ("金桥置业公司", "27.5万元", "三十人"), ("盛世食品厂", "4.4万元", "六人")])]
    index_petitions([(1, WAGES), *others])
    matches = similar_petitions(text=WAGES_AGAIN, min_similarity=0.0)
    assert matches[0].petition_id == 1
    assert matches[0].similarity >= 0.3
    assert all(m.similarity < 0.3 for m in matches[1:])


def test_identical_text_is_similarity_one(indexed):
    assert similar_petitions(text=WAGES) == [SimilarMatch(petition_id=1, similarity=1.0)]


def test_exclude_id_leaves_the_petition_itself_out(indexed):
    assert similar_petitions(text=WAGES, exclude_id=1) == []


def test_min_similarity_and_limit_are_respected(indexed):
    assert similar_petitions(text=WAGES_AGAIN, min_similarity=0.99) == []
    assert similar_petitions(text=WAGES, limit=0) == []


def test_similarity_between_scores_given_petitions(indexed):
    scores = similarity_between(text=WAGES, petition_ids=[1, 2, 999])
    assert scores[1] == 1.0
    assert scores[2] < 0.1
    assert 999 not in scores


def test_reindexing_replaces_the_old_entry(indexed):
    index_petition(petition_id=1, text=ROAD)
    assert PetitionShingles.objects.count() == 2
    assert BandKey.objects.filter(petition_id=1).count() == BandKey.objects.filter(petition_id=2).count()
    assert [m.petition_id for m in similar_petitions(text=ROAD)] == [2, 1]
    assert similar_petitions(text=WAGES) == []


def test_band_table_has_no_surrogate_id_and_one_row_per_key_and_petition(indexed):
    # (key, petition_id) is the primary key and the only index: no id column repeating the rows.
    with connection.cursor() as cursor:
        columns = [c.name for c in connection.introspection.get_table_description(cursor, BandKey._meta.db_table)]
    assert sorted(columns) == ["key", "petition_id"]
    assert [field.name for field in BandKey._meta.pk_fields] == ["key", "petition"]
    assert BandKey.objects.values("key", "petition_id").distinct().count() == BandKey.objects.count()


@pytest.mark.django_db(transaction=True)
def test_band_table_migration_keeps_every_key_both_ways():
    # given: an index built on the composite primary key (migration 0002)
    index_petitions([(1, WAGES), (2, ROAD)])
    before = sorted(BandKey.objects.values_list("key", "petition_id"))
    # when: back to the surrogate id (0001), then forward again
    call_command("migrate", "similarity", "0001", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "key", petition_id FROM {BandKey._meta.db_table}')
        on_0001 = sorted(cursor.fetchall())
    call_command("migrate", "similarity", "0002", verbosity=0)
    # then
    assert on_0001 == before
    assert sorted(BandKey.objects.values_list("key", "petition_id")) == before
    assert [m.petition_id for m in similar_petitions(text=WAGES_AGAIN)] == [1]


@pytest.mark.parametrize("text", ["", "欠", "，。！？……", "1234567890", "  \n\t "])
def test_text_too_short_to_judge_finds_nothing(indexed, text):
    assert similar_petitions(text=text) == []


def test_bulk_indexing_twice_or_with_a_repeated_id_keeps_one_entry_per_petition(db):
    index_petitions([(1, WAGES), (1, ROAD)])
    index_petitions([(1, ROAD)])
    assert PetitionShingles.objects.count() == 1
    assert BandKey.objects.count() == minhash.NUM_BANDS
    assert [m.petition_id for m in similar_petitions(text=ROAD)] == [1]


def test_only_punctuation_is_not_indexed(db):
    index_petition(petition_id=5, text="！！！。。。")
    assert not PetitionShingles.objects.exists()
    assert not BandKey.objects.exists()


def test_fifty_thousand_characters_are_indexed_and_looked_up(indexed):
    # Characters in a long pseudo-random order: far more distinct shingles than a text keeps (MAX_SHINGLES).
    long_text = WAGES + "".join(chr(0x4E00 + (n * 7919) % 20_000) for n in range(50_000 - len(WAGES)))
    assert len(long_text) == 50_000
    index_petition(petition_id=3, text=long_text)
    assert len(PetitionShingles.objects.get(petition_id=3).hashes) == 4 * minhash.MAX_SHINGLES
    assert similar_petitions(text=long_text)[0] == SimilarMatch(petition_id=3, similarity=1.0)


def test_registration_indexes_the_petition(registered):
    stored = PetitionShingles.objects.get(petition_id=registered.pk)
    assert len(stored.hashes) > 0
    matches = similar_petitions(text=petition_text(registered))
    assert matches == [SimilarMatch(petition_id=registered.pk, similarity=1.0)]


def test_registration_of_a_repeat_finds_the_first(registered, district, category):
    again, _ = petition_register(
        data=petition_input(locality=district.township_a, category=category,
                            content="本人在青石镇某工地打工，工程结束后公司拖欠工资三个月，一直没有支付。"),
        actor=district.clerk)
    matches = similar_petitions(text=petition_text(again), exclude_id=again.pk)
    assert [m.petition_id for m in matches] == [registered.pk]


def test_rebuild_is_idempotent(registered):
    before = sorted(BandKey.objects.values_list("key", "petition_id"))
    assert index_rebuild() == 1
    assert index_rebuild() == 1
    assert sorted(BandKey.objects.values_list("key", "petition_id")) == before
    assert PetitionShingles.objects.count() == 1


def test_rebuild_command_works_on_an_empty_database(db, capsys):
    call_command("similarity", "rebuild")
    assert "0 petitions indexed" in capsys.readouterr().out


def test_stats_command_prints_the_index_size(indexed, capsys):
    call_command("similarity", "stats")
    out = capsys.readouterr().out
    assert "petitions indexed: 2" in out
    assert "band rows: 64" in out


def test_the_shingle_hashes_are_keyed_by_the_data_key(settings):
    """Whoever reads only the database cannot hash a guessed phrase and find it in the index."""
    from xinfang.similarity.secret import index_secret

    phrase = "举报王副镇长收受红包"
    keyed = set(minhash.shingle_hashes(phrase).tolist())
    own_key = settings.XINFANG_DATA_KEY
    try:
        minhash.set_secret(0)  # what an attacker without the key computes
        assert not set(minhash.shingle_hashes(phrase).tolist()) & keyed
        settings.XINFANG_DATA_KEY = "another-key-of-another-office-0123456789"
        minhash.set_secret(index_secret())
        assert not set(minhash.shingle_hashes(phrase).tolist()) & keyed
    finally:
        settings.XINFANG_DATA_KEY = own_key
        minhash.set_secret(index_secret())
    assert set(minhash.shingle_hashes(phrase).tolist()) == keyed


@pytest.mark.django_db(transaction=True)
def test_the_keyed_index_migration_empties_the_old_index():
    index_petitions([(1, WAGES)])
    call_command("migrate", "similarity", "0002", verbosity=0)
    call_command("migrate", "similarity", verbosity=0)
    assert not PetitionShingles.objects.exists() and not BandKey.objects.exists()
