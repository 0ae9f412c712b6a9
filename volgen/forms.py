from django import forms


class VolgForm(forms.Form):
    email = forms.EmailField(
        label="Uw e-mailadres",
        max_length=254,
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "placeholder": "naam@voorbeeld.be"}
        ),
        error_messages={
            "required": "Vul een e-mailadres in.",
            "invalid": "Dit is geen geldig e-mailadres. Controleer het even.",
        },
    )
