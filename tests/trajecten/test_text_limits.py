"""Free-text fields carry their limit on the model, so every form over them refuses more."""

import pytest
from django.core.exceptions import ValidationError
from django.forms import modelform_factory

from trajecten.models import Beleidsactie, GekozenModule, Pilotkandidaat, Update
from workshops.models import Coachingsmoment, Workshop

LIMITS = [
    (Update, "tekst", 10000),
    (Beleidsactie, "omschrijving", 5000),
    (Pilotkandidaat, "omschrijving", 5000),
    (Pilotkandidaat, "stakeholders", 5000),
    (GekozenModule, "resultaat", 5000),
    (Workshop, "thema", 4000),
    (Workshop, "verslag", 20000),
    (Coachingsmoment, "interne_notities", 20000),
    (Coachingsmoment, "aanwezigen", 2000),
    (Workshop, "beslissingen", 8000),
    (Workshop, "volgende_stappen", 8000),
]


@pytest.mark.parametrize(
    ("model", "name", "limit"), LIMITS, ids=lambda v: getattr(v, "__name__", str(v))
)
def test_a_form_refuses_text_over_the_limit_in_dutch(model, name, limit):
    field = modelform_factory(model, fields=[name])().fields[name]
    assert field.widget.attrs["maxlength"] == str(limit)
    assert field.clean("x" * limit) == "x" * limit
    with pytest.raises(ValidationError, match=f"niet meer dan {limit} tekens"):
        field.clean("x" * (limit + 1))
