"""The first version of the personal-data notice (data migration; a new version is added in the admin)."""

from datetime import datetime, UTC

from django.db import migrations

VERSION = "2026-1"
TEXT = """为办理您提出的信访事项，本网站依照《中华人民共和国个人信息保护法》和《信访工作条例》，处理您提供的下列个人信息：姓名、手机号码、身份证号码（选填）、住址（选填），以及反映内容和附件中含有的个人信息。

一、处理目的：登记、转送、交办和办理您的信访事项，向您告知办理情况，核实您的身份，识别您此前反映的同一事项。
二、处理方式：信息加密存储，页面脱敏显示；工作人员查看完整信息须说明事由并留痕。检举控告的内容和材料不向被检举控告的人员和单位泄露（《信访工作条例》第三十条）。
三、提供范围：仅提供给依法办理该事项的信访部门和有权处理的机关。
四、保存期限：按照信访档案管理的规定保存。
五、您的权利：您可以凭查询码查询办理情况，可以向登记机关申请查阅、更正您的个人信息。
六、手机号码用于接收查询进度的短信验证码，不用于其他目的。

点击“同意”并提交，即表示您同意按本告知处理上述个人信息。不同意的，可以通过来信、来访等方式提出信访事项。"""


def add(apps, schema_editor):
    ConsentNotice = apps.get_model("portal", "ConsentNotice")
    ConsentNotice.objects.get_or_create(version=VERSION, defaults={
        "title": "个人信息处理告知", "text": TEXT, "published_at": datetime(2026, 1, 1, tzinfo=UTC)})


def remove(apps, schema_editor):
    ConsentNotice = apps.get_model("portal", "ConsentNotice")
    ConsentNotice.objects.filter(version=VERSION, submissions__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
