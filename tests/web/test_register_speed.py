"""Registration: Back-then-Save and near-duplicates (issue 12 item 7), and the clerk's speed (item 11)."""

import re

import pytest

from tests.web.test_register_view import form_data
from xinfang.orgs.models import Org
from xinfang.orgs.services import org_create
from xinfang.petitions.models import Petition

pytestmark = pytest.mark.django_db


def initials_match(tokens: str, typed: str) -> bool:
    """searchselect.js's initialsMatch: typed letters are initials of consecutive characters."""
    chars = tokens.split()
    return any(all(typed[k] in chars[start + k] for k in range(len(typed)))
               for start in range(len(chars) - len(typed) + 1))


def test_back_then_save_with_the_restored_key_leads_to_the_petition_already_registered(client, district, category):
    client.force_login(district.clerk)
    client.post("/petitions/new/", form_data(district, category))
    petition = Petition.objects.get()
    # The browser's Back restored the form as it was, key included, and the clerk pressed Save again.
    again = client.post("/petitions/new/", form_data(district, category), follow=True)
    assert Petition.objects.count() == 1
    assert again.redirect_chain[-1][0] == f"/petitions/{petition.pk}/"
    assert f"该件已登记为 {petition.number}" in again.content.decode()


def test_back_then_save_with_a_fresh_key_is_questioned_then_saved_only_when_confirmed(client, district, category):
    client.force_login(district.clerk)
    client.post("/petitions/new/", form_data(district, category))
    first = Petition.objects.get()
    # The browser reloaded the form (a new key) and restored what had been typed.
    asked = client.post("/petitions/new/", form_data(district, category, idempotency_key="form-2"))
    page = asked.content.decode()
    assert asked.status_code == 200 and Petition.objects.count() == 1
    assert "可能重复登记" in page and first.number in page
    assert "同一信访人证件号码" in page and "概况和信访内容相同" in page
    assert 'name="confirm_not_duplicate"' in page and "确认不是重复登记" in page
    assert 'value="form-2"' in page  # the key is still unused: the confirmed save uses it
    confirmed = client.post("/petitions/new/", form_data(district, category, idempotency_key="form-2",
                                                          confirm_not_duplicate="on"), follow=True)
    assert Petition.objects.count() == 2
    assert "已登记：" in confirmed.content.decode()


def test_a_spent_key_with_edited_content_keeps_what_was_typed_for_another_save(client, district, category):
    client.force_login(district.clerk)
    client.post("/petitions/new/", form_data(district, category))
    first = Petition.objects.get()
    # Back, then the form edited into another matter: the old key must neither hide nor lose it.
    edited = client.post("/petitions/new/", form_data(district, category, summary="反映小区物业乱收费",
                                                       content="物业公司每月多收停车费。"))
    page = edited.content.decode()
    assert Petition.objects.count() == 1
    assert f"此表单已保存为 {first.number}" in page
    assert "反映小区物业乱收费" in page and "物业公司每月多收停车费。" in page
    key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', page).group(1)
    client.post("/petitions/new/", form_data(district, category, summary="反映小区物业乱收费",
                                             content="物业公司每月多收停车费。", idempotency_key=key,
                                             confirm_not_duplicate="on"))
    assert Petition.objects.filter(summary="反映小区物业乱收费").count() == 1


def test_save_and_register_next_opens_a_fresh_form_keeping_channel_and_received_date(client, district, category):
    client.force_login(district.clerk)
    response = client.post("/petitions/new/", form_data(district, category, channel="letter", person_times="3",
                                                         next="1"), follow=True)
    petition = Petition.objects.get()
    assert response.redirect_chain[-1][0].startswith("/petitions/new/?")
    page = response.content.decode()
    assert f"已登记：{petition.number}" in page
    assert '<option value="letter" selected>' in page
    assert 'value="2026-03-02T09:30"' in page  # an earlier day's letters keep their date
    assert "反映拖欠农民工工资" not in page  # the matter itself is not carried over
    assert 'name="idempotency_key" value="form-1"' not in page


def test_the_long_selects_carry_pinyin_and_orgs_come_in_tree_order(client, district, category):
    # A township created late: its id (10 or more) sorts first as text in the path ("/1/12/" < "/1/3/"); listed
    # in the order of the 行政区划代码 instead, the one the clerks know.
    for n in range(4):
        org_create(name=f"清溪区第{n}局", kind=Org.Kind.DEPARTMENT, level=Org.Level.COUNTY, parent=district.county)
    middle = org_create(name="石门乡", kind=Org.Kind.TOWNSHIP, level=Org.Level.TOWNSHIP, parent=district.county,
                        region_code="500199103")
    assert middle.pk >= 10
    org_create(name="白沙镇长乐村", kind=Org.Kind.VILLAGE, level=Org.Level.VILLAGE,
               parent=district.township_b, region_code="500199102201")
    client.force_login(district.clerk)
    page = client.get("/petitions/new/").content.decode()
    locality = page[page.index('name="locality"'):page.index("</select>", page.index('name="locality"'))]
    assert 'data-search' in page[page.index('<select name="locality"') - 10:page.index('name="locality"') + 60]
    township = re.search(rf'value="{district.township_a.pk}" data-py="([^"]*)" data-pinyin="qingshizhen" '
                         r'data-depth="1" data-parent="清溪区人民政府"', locality)
    assert initials_match(township.group(1), "qsz")
    # 长 is read chang or zhang: both initials match (pypinyin alone reads this 长乐 zhangle).
    village = re.search(r'data-py="([^"]*)" data-pinyin="[a-z]+" data-depth="2" data-parent="白沙镇"', locality)
    assert initials_match(village.group(1), "bszclc") and initials_match(village.group(1), "clc")
    assert not initials_match(village.group(1), "bsc")
    names = re.findall(r">\u3000*([^<>]+)</option>", locality)
    assert names == ["请选择", "清溪区人民政府", "青石镇", "青石镇桃源村", "白沙镇", "白沙镇长乐村", "石门乡"]
    assert "\u3000\u3000白沙镇长乐村" in locality
    category_py = re.search(r'data-py="([^"]*)" data-pinyin="laodongshebaoqianxintaoxin"', page).group(1)
    assert initials_match(category_py, "qxtx")  # 劳动社保 / 欠薪讨薪
    assert "xinfang/searchselect.js" in page
    # A unit is also found by its 简称's initials: "rsj" for 区人社局.
    district.department.short_name = "区人社局"
    district.department.save()
    page = client.get("/petitions/new/").content.decode()
    alias = re.search(r'data-alias="区人社局" data-alias-py="([^"]*)"', page).group(1)
    assert initials_match(alias, "rsj")


def test_the_source_reference_is_asked_for_online_phone_hotline_and_assigned_matters(client, district):
    client.force_login(district.clerk)
    page = client.get("/petitions/new/").content.decode()
    channels = re.search(r'data-channels="([^"]+)">\s*<label for="id_source_reference"', page).group(1).split()
    assert {"online_complaint", "online_suggestion", "call", "hotline_transfer", "assigned_from_above"} <= set(channels)
    assert "visit" not in channels
