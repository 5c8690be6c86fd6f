from django import forms

from xinfang.notifications.models import SmsConsent


class SmsConsentForm(forms.Form):
    petitioner = forms.IntegerField(widget=forms.HiddenInput)
    given = forms.TypedChoiceField(label="意愿", choices=[("1", "同意接收"), ("0", "不同意 / 撤回")],
                                   coerce=lambda value: value == "1", initial="1")
    method = forms.ChoiceField(label="表示方式", choices=SmsConsent.Method.choices, initial=SmsConsent.Method.ORAL)
    note = forms.CharField(label="备注", max_length=200, required=False)


def registration_consents(formset) -> dict[int, str]:
    """The registration formset's consents to SMS: {position of the petitioner: how}, for the ticked rows.

    Positions count the filled rows only (web.views._petitioner_inputs sets `filled_rows`), as the service does.
    """
    consents = {}
    for position, row in enumerate(formset.filled_rows):
        data = formset.forms[row].cleaned_data
        if data.get("sms_consent"):
            consents[position] = data.get("sms_consent_method") or SmsConsent.Method.ORAL
    return consents
