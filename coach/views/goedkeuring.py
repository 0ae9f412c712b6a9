"""Participant sign-off: the coach's "Ter goedkeuring voorleggen" and the contact's link page.

The link page needs no account: the signed link is the permission (coach/goedkeuring.py).
Answers on it are counted per client address like the other public POSTs (lokaal/limits.py).
"""

from django import forms as django_forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from coach import forms
from coach import goedkeuring as signoff
from coach.access import coach_required
from coach.views import uitkomst
from coach.views.shared import require_form_methods
from lokaal import limits
from trajecten.versioning import StaleEdit
from workshops.services import ReportError


@coach_required
@require_POST
def moment_submit(request, slug, soort, **ids):
    """Put the report, exactly as the coach read it, before the bestuur's contact person.

    Offered on the outcome page instead of "Publiceren" while the round requires sign-off; a
    stale page is refused with a 409: the outcome page as stored, with what changed.
    """
    _traject, moment, _kind = uitkomst._moment(request, slug, soort, ids)
    form = forms.PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Het formulier was onvolledig; probeer opnieuw.")
        return redirect(uitkomst.uitkomst_url(moment))
    try:
        verzoek = signoff.signoff_request(
            moment=moment, base_versie=form.base_versie, by=request.user
        )
    except StaleEdit as stale:
        conflict = uitkomst.Conflict("Verslag en planning", stale, "versie")
        return uitkomst.stored_page(request, slug, soort, ids, [conflict])
    except ReportError as error:
        messages.error(request, str(error))
        return redirect(uitkomst.uitkomst_url(moment))
    messages.success(
        request,
        f"Het verslag ligt ter goedkeuring bij {verzoek.contact_naam}; die krijgt een e-mail "
        "met een link. Wijzigt u de tekst nog, dan moet u opnieuw voorleggen.",
    )
    return redirect(uitkomst.uitkomst_url(moment))


class AntwoordForm(django_forms.Form):
    actie = django_forms.ChoiceField(
        choices=[("goedkeuren", "Goedkeuren"), ("terugsturen", "Terugsturen met opmerking")]
    )
    opmerking = django_forms.CharField(
        label="Opmerking voor de coach",
        required=False,
        max_length=4000,
        widget=django_forms.Textarea(attrs={"rows": 4}),
        help_text="Nodig als u het verslag terugstuurt: wat moet er anders?",
    )

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("actie") == "terugsturen" and not cleaned.get("opmerking", "").strip():
            self.add_error("opmerking", "Schrijf kort wat de coach moet aanpassen.")
        return cleaned


def _refused(request, refused: signoff.LinkRefused):
    return render(
        request,
        "goedkeuring/geweigerd.html",
        {"melding": str(refused), "verzoek": refused.verzoek},
        status=refused.status,
    )


@never_cache
@require_form_methods
def verzoek(request, token):
    """The contact person's page: what will be published, and approve or send back."""
    if request.method == "POST":
        limited = limits.first_limited(
            request, [("signoff_address", limits.client_address(request))]
        )
        if limited:
            return limits.too_many_requests(limited)
    try:
        verzoek = signoff.read_link(token)
    except signoff.LinkRefused as refused:
        return _refused(request, refused)
    changed = signoff.text_changed(verzoek)
    form = AntwoordForm(request.POST or None)
    if request.method == "POST" and not changed and form.is_valid():
        try:
            if form.cleaned_data["actie"] == "goedkeuren":
                signoff.signoff_approve(verzoek=verzoek)
                uitkomst = "goedgekeurd"
            else:
                signoff.signoff_send_back(
                    verzoek=verzoek, opmerking=form.cleaned_data["opmerking"].strip()
                )
                uitkomst = "teruggestuurd"
        except signoff.LinkRefused as refused:
            return _refused(request, refused)
        return render(
            request,
            "goedkeuring/bedankt.html",
            {"verzoek": verzoek, "uitkomst": uitkomst, "moment": verzoek.moment},
        )
    status = 200
    if changed:
        status = 409
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "goedkeuring/verzoek.html",
        {
            "verzoek": verzoek,
            "inhoud": verzoek.inhoud,
            "traject": verzoek.moment.traject,
            "form": form,
            "gewijzigd": changed,
        },
        status=status,
    )
