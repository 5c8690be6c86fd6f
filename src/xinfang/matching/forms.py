"""Forms that only parse input for the matching views (the services check everything else)."""

from django import forms


class LinkForm(forms.Form):
    first_petition = forms.IntegerField(min_value=1)
    reason = forms.CharField(max_length=200, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=200)


class SplitForm(forms.Form):
    petitions = forms.TypedMultipleChoiceField(coerce=int, choices=())
    reason = forms.CharField(label="理由", max_length=200)

    def __init__(self, *args, member_ids: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["petitions"].choices = [(pk, pk) for pk in member_ids]


class MergeForm(forms.Form):
    source = forms.IntegerField(min_value=1)
    target = forms.IntegerField(min_value=1)
    reason = forms.CharField(label="理由", max_length=200)


class IntentForm(forms.Form):
    idempotency_key = forms.CharField(max_length=64)
    first_petition = forms.IntegerField(min_value=1, required=False)
