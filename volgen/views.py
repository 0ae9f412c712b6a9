from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from besturen.models import Bestuur
from lokaal import limits
from trajecten.models import Traject
from volgen import services
from volgen.forms import VolgForm
from volgen.tasks import follow_request

# One answer whatever the address's state (new, waiting for confirmation, already following),
# so the page never reveals who follows what. The mail, if one is due, is sent by the task
# worker, so the answer does not wait on the mail server either.
_ASKED = (
    "Bijna klaar. Volgt {email} {naam} nog niet, dan krijgt het binnen enkele minuten een "
    "e-mail met een link om te bevestigen (die link is {uren} uur geldig; kijk ook bij de "
    "ongewenste berichten). Kreeg het adres de voorbije tien minuten al zo'n mail, of volgt het "
    "dit al, dan komt er geen nieuwe mail."
)


def _follow(request, onderwerp, naam: str):
    form = VolgForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        limited = limits.first_limited(
            request,
            [
                ("follow_address", limits.client_address(request)),
                ("follow_mailbox", limits.mailbox(email)),
            ],
        )
        if limited:
            return limits.too_many_requests(limited)
        follow_request.enqueue(
            email=email, kind="t" if isinstance(onderwerp, Traject) else "b", pk=onderwerp.pk
        )
        uren = int(services.CONFIRM_MAX_AGE.total_seconds() // 3600)
        messages.success(request, _ASKED.format(email=email, naam=naam, uren=uren))
        return redirect(onderwerp.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "volgen/volg_form.html",
        {"form": form, "onderwerp": onderwerp, "naam": naam},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def follow_bestuur(request, slug):
    bestuur = get_object_or_404(Bestuur, slug=slug)
    return _follow(request, bestuur, bestuur.naam)


@require_http_methods(["GET", "POST"])
def follow_traject(request, slug):
    traject = get_object_or_404(Traject, slug=slug)
    return _follow(request, traject, traject.titel)


def _bad_link(request, error: services.BadLink, *, purpose: str):
    return render(
        request,
        "volgen/link_ongeldig.html",
        {"expired": error.expired, "purpose": purpose},
        status=400,
    )


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """GET shows what will be confirmed; the POST button confirms it.

    A plain GET never changes anything, so a mail scanner that opens links cannot subscribe
    someone on their behalf.
    """
    try:
        email, onderwerp = services.read_confirm_token(token)
    except services.BadLink as error:
        return _bad_link(request, error, purpose="bevestigen")
    if onderwerp is None:
        return render(request, "volgen/link_ongeldig.html", {"gone": True}, status=400)
    if request.method == "POST":
        services.follow_confirm(email=email, onderwerp=onderwerp)
        messages.success(request, f"Bevestigd: u volgt nu {onderwerp}.")
        return redirect("volgen:bevestigen", token=token)
    volger = services.find_volger(email)
    return render(
        request,
        "volgen/bevestigen.html",
        {
            "email": email,
            "onderwerp": onderwerp,
            "is_following": services.is_following(volger, onderwerp),
            "afmeld_url": services.unsubscribe_url(email),
        },
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET shows a button; POST forgets the address.

    CSRF protection is off for this one view because mail programs send the RFC 8058 one-click
    POST (List-Unsubscribe-Post) without any token; the signed address in the URL is the
    protection, and the worst a forged request can do is stop mail to that same address.
    """
    try:
        email = services.read_unsubscribe_token(token)
    except services.BadLink as error:
        return _bad_link(request, error, purpose="afmelden")
    if request.method == "POST":
        services.volger_unsubscribe(email=email)
        messages.success(request, f"U bent afgemeld. We bewaren {email} niet langer.")
        return redirect("volgen:afmelden", token=token)
    return render(
        request,
        "volgen/afmelden.html",
        {"email": email, "is_known": services.find_volger(email) is not None},
    )
