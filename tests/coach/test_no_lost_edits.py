"""No lost edits: two coaches open the same coach form; the second save is refused, never silent.

Every form that edits an existing object is walked from one table. Both coaches open the form
(on the same version); the first saves; the second, saving from the older page, gets a 409 with
what changed and by whom, their own input still on the page, and nothing saved. The (un)publish
buttons are walked the same way.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django import forms
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone

from tests import factories
from tests.coach.helpers import moment_url, snapshot
from tests.coach.resultaten_data import count_results
from tests.coach.uitkomst_helpers import page_data
from tests.url_catalogue import resultaten_kwargs
from trajecten.models import (
    Actiedomein,
    Beleidsactie,
    Deelname,
    GekozenModule,
    Kpi,
    LopendInitiatief,
    Meting,
    Partner,
    Pilotkandidaat,
)
from trajecten.services import PUBLISHABLE_RESULTS
from workshops.models import Goedkeuringsverzoek


@dataclass(frozen=True)
class Case:
    url: object  # World -> the form's URL
    field: str  # the field both coaches change
    read: object  # World -> the stored value of that field
    posted: object = None  # response -> what the browser sends back; default: the one form


def _result_case(key: str, model, field: str) -> Case:
    """A structured result's edit form; the result is made when the URL is first asked for."""
    name = f"resultaten_{key}_bewerken"

    def url(world):
        kwargs = resultaten_kwargs(name, strategie=world.traject, pilot=world.pilot_traject)
        world.result_pk = kwargs["pk"]
        return reverse(f"coach:{name}", kwargs=kwargs)

    return Case(url, field, lambda world: getattr(model.objects.get(pk=world.result_pk), field))


CASES = {
    "workshop_bewerken": Case(
        lambda w: moment_url("bewerken", w.workshop), "titel", lambda w: _fresh(w.workshop).titel
    ),
    "coachingsmoment_bewerken": Case(
        lambda w: moment_url("bewerken", w.coachingsmoment),
        "onderwerp",
        lambda w: _fresh(w.coachingsmoment).onderwerp,
    ),
    # The one page per outcome: the report with its formsets of results, saved together.
    "workshop_uitkomst": Case(
        lambda w: moment_url("uitkomst", w.workshop),
        "verslag",
        lambda w: _fresh(w.workshop).verslag,
        page_data,
    ),
    "coachingsmoment_uitkomst": Case(
        lambda w: moment_url("uitkomst", w.coachingsmoment),
        "verslag",
        lambda w: _fresh(w.coachingsmoment).verslag,
        page_data,
    ),
    "bijlage_bewerken": Case(
        lambda w: reverse("coach:bijlage_bewerken", args=[w.traject.slug, w.bijlage.pk]),
        "titel",
        lambda w: _fresh(w.bijlage).titel,
    ),
    "update_bewerken": Case(
        lambda w: reverse("coach:update_bewerken", args=[w.traject.slug, w.update.pk]),
        "titel",
        lambda w: _fresh(w.update).titel,
    ),
    "resultaten_prioriteiten": Case(
        lambda w: reverse("coach:resultaten_prioriteiten", args=[w.traject.slug]),
        "actiedomeinen",
        lambda w: sorted(w.traject.prioritaire_actiedomeinen.values_list("pk", flat=True)),
    ),
    **{
        f"resultaten_{key}_bewerken": _result_case(key, model, field)
        for key, model, field in [
            ("initiatief", LopendInitiatief, "naam"),
            ("beleidsactie", Beleidsactie, "titel"),
            ("pilotkandidaat", Pilotkandidaat, "naam"),
            ("module", GekozenModule, "resultaat"),
            ("partner", Partner, "naam"),
            ("kpi", Kpi, "naam"),
            ("meting", Meting, "toelichting"),
        ]
    },
}


def _fresh(obj):
    obj.refresh_from_db()
    return obj


def _posted(form) -> dict:
    """What a browser would send back for the form as it was shown (its current values)."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field.widget, forms.CheckboxInput):
            if value:
                data[name] = "on"
        elif isinstance(field, forms.FileField) or value is None:
            continue
        elif isinstance(field, forms.ModelMultipleChoiceField):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif hasattr(value, "isoformat"):
            data[name] = value.isoformat()
        else:
            data[name] = str(getattr(value, "pk", value)).replace(".", ",")
    return data


def _edit(name: str, value: str) -> object:
    """The change one coach makes: a text, or for the priorities one chosen action domain."""
    if name == "resultaten_prioriteiten":
        domein, _ = Actiedomein.objects.get_or_create(slug=f"domein-{value}", naam=value)
        return [domein.pk]
    return value


@pytest.fixture
def two_coaches(world):
    colleague = factories.make_coach("collega")
    colleague.first_name, colleague.last_name = "Collega", "Coach"
    colleague.save()
    world.traject.coaches.add(colleague)
    world.pilot_traject.coaches.add(colleague)
    first, second = Client(), Client()
    first.force_login(colleague)
    second.force_login(world.coach)
    return first, second


def test_every_edit_form_of_the_workspace_is_walked():
    """A new coach form that edits an object must join the table above."""
    from tests.coach.test_permissions import coach_patterns

    editing = {
        name
        for name, _params in coach_patterns()
        if name.endswith(("_bewerken", "_uitkomst", "_prioriteiten"))
    }
    assert editing == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_stale_save_is_refused_with_what_changed_and_keeps_the_input(world, two_coaches, name):
    case = CASES[name]
    first, second = two_coaches
    url = case.url(world)
    # Both coaches open the form on the same version.
    page_first, page_second = first.get(url), second.get(url)
    assert page_first.status_code == page_second.status_code == 200
    posted = case.posted or (lambda page: _posted(page.context["form"]))
    data_first, data_second = posted(page_first), posted(page_second)
    assert data_first["versie"] == data_second["versie"]

    mine, theirs = _edit(name, "Eerstecoach"), _edit(name, "Tweedecoach")
    response = first.post(url, {**data_first, case.field: mine})
    assert response.status_code == 302, response.context["form"].errors
    assert case.read(world) == mine
    before = snapshot(), count_results()

    response = second.post(url, {**data_second, case.field: theirs})

    assert response.status_code == 409
    assert case.read(world) == mine  # no silent overwrite
    assert (snapshot(), count_results()) == before
    conflict = response.context["conflict"]
    assert conflict.by == "Collega Coach"
    assert conflict.changes, "the refusal says what changed"
    assert "Niet opgeslagen" in response.text and "Collega Coach" in response.text
    form = response.context["form"]
    assert form[case.field].value() == (
        [str(pk) for pk in theirs] if isinstance(theirs, list) else theirs
    )  # the second coach's input is still on the page
    # Saving again from this page is a deliberate choice, and is accepted.
    resubmit = {**data_second, case.field: theirs, "versie": form["versie"].value()}
    assert second.post(url, resubmit).status_code == 302
    assert case.read(world) == theirs


def _with_contact(moment) -> None:
    """A trajectory whose bestuur has a contact person, so the report can be submitted."""
    bestuur = factories.make_bestuur()
    Deelname.objects.create(
        traject=moment.traject, bestuur=bestuur, contact_email="contact@example.org"
    )


PUBLICATION = {
    # action: (how the moment is set up, the URL name, what the button sends besides `versie`)
    "uitkomst_publiceren": (lambda moment: None, "uitkomst_publicatie", {"actie": "publiceren"}),
    "uitkomst_depubliceren": (
        lambda moment: factories.publish_report(moment, "Al gepubliceerd."),
        "uitkomst_publicatie",
        {"actie": "depubliceren"},
    ),
    "voorleggen": (_with_contact, "voorleggen", {}),
}


@pytest.mark.parametrize("kind", ["workshop", "coachingsmoment"])
@pytest.mark.parametrize("action", sorted(PUBLICATION))
def test_a_stale_publish_or_unpublish_is_refused(world, two_coaches, kind, action):
    first, second = two_coaches
    moment = getattr(world, kind)
    moment.gepland_op = timezone.now() - timedelta(days=1)
    moment.save()
    setup, url_name, extra = PUBLICATION[action]
    setup(moment)
    moment = _fresh(moment)
    seen = moment.versie
    was_public = moment.gepubliceerd
    # The first coach changes the report on the outcome page; the second still has the page
    # of version `seen`.
    data = page_data(first.get(moment_url("uitkomst", moment)))
    data.update({"verslag": "Herschreven door de collega.", "status": "gehouden"})
    response = first.post(moment_url("uitkomst", moment), data)
    assert response.status_code == 302, response.context["form"].errors
    before = snapshot(), count_results()

    response = second.post(moment_url(url_name, moment), {"versie": seen, **extra})

    assert response.status_code == 409
    assert (snapshot(), count_results()) == before
    assert _fresh(moment).gepubliceerd == was_public
    assert response.context["conflict"].by == "Collega Coach"
    assert "Herschreven door de collega." in response.text
    assert not Goedkeuringsverzoek.objects.exists()  # nothing submitted, no mail


RESULT_KEYS = ["initiatief", "beleidsactie", "pilotkandidaat", "module", "partner", "kpi", "meting"]


@pytest.mark.parametrize("published", [False, True], ids=["publiceren", "depubliceren"])
@pytest.mark.parametrize("key", RESULT_KEYS)
def test_a_stale_publish_or_unpublish_of_a_result_is_refused(world, two_coaches, key, published):
    first, second = two_coaches
    case = CASES[f"resultaten_{key}_bewerken"]
    url = case.url(world)
    model = PUBLISHABLE_RESULTS[key]
    model.objects.filter(pk=world.result_pk).update(gepubliceerd=published)
    kwargs = resolve(url).kwargs
    kwargs.pop("onderdeel", None)
    publication = reverse(f"coach:resultaten_{key}_publicatie", kwargs=kwargs)
    seen = model.objects.get(pk=world.result_pk).versie
    # The first coach edits the result; the second still has the overview of version `seen`.
    data = {**_posted(first.get(url).context["form"]), case.field: "Gewijzigd door de collega"}
    assert first.post(url, data).status_code == 302
    before = snapshot(), count_results()

    action = "depubliceren" if published else "publiceren"
    response = second.post(publication, {"versie": seen, "actie": action})

    assert response.status_code == 409
    assert (snapshot(), count_results()) == before
    assert model.objects.get(pk=world.result_pk).gepubliceerd == published
    assert response.context["conflict"].by == "Collega Coach"
    assert "Gewijzigd door de collega" in response.text
    # From the fresh page (the current version) the same action is accepted.
    current = model.objects.get(pk=world.result_pk).versie
    assert second.post(publication, {"versie": current, "actie": action}).status_code == 302
    assert model.objects.get(pk=world.result_pk).gepubliceerd != published


def test_a_managers_save_in_admin_refuses_a_coachs_older_page(world, two_coaches, client):
    _first, coach = two_coaches
    url = CASES["resultaten_partner_bewerken"].url(world)
    data = _posted(coach.get(url).context["form"])
    partner = Partner.objects.get(pk=world.result_pk)
    client.force_login(world.manager)
    admin_url = reverse("admin:trajecten_partner_change", args=[partner.pk])
    admin_data = {
        "traject": partner.traject_id,
        "naam": "Door beheer",
        "rol": "",
        "status": "gezocht",
    }
    assert client.post(admin_url, admin_data).status_code == 302

    response = coach.post(url, {**data, "naam": "Door de coach"})

    assert response.status_code == 409
    assert Partner.objects.get(pk=partner.pk).naam == "Door beheer"
