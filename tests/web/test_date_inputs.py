"""A form's date fields render as YYYY-MM-DD, the only value an <input type="date"> keeps (edit pages)."""

from datetime import date

from django import forms
from django.utils import translation

from xinfang.prevention.forms import DATE


def test_a_date_input_renders_its_value_in_iso_under_the_chinese_locale():
    class Form(forms.Form):
        found_on = forms.DateField(widget=DATE)

    with translation.override("zh-hans"):
        html = str(Form(initial={"found_on": date(2026, 3, 2)})["found_on"])
        assert 'value="2026-03-02"' in html
        assert Form({"found_on": "2026/3/2"}).is_valid()  # the other formats are still read
