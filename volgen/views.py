from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt

from besturen.models import Bestuur
from trajecten.models import Traject
from volgen import services
from volgen.forms import VolgForm

# One answer whether or not the address already follows this, so the page never reveals who
# follows what; only a new follower gets the mail.
_ASKED = (
    "Bijna klaar. Volgt {email} {naam} nog niet, dan krijgt het nu een e-mail met een link om "
    "te bevestigen (die link is {uren} uur geldig; kijk ook bij de ongewenste berichten). Volgt "
    "het dit al, dan verandert er niets en krijgt u geen nieuwe mail."
)
_RATE_LIMITED = (
    "Naar dit adres ging minder dan tien minuten geleden al een bevestigingsmail. Gebruik de "
    "link in die mail, of probeer het over tien minuten opnieuw."
)
_MAIL_FAILED = (
    "De bevestigingsmail kon nu niet verstuurd worden. Er werd niets bewaard; probeer het "
    "later opnieuw."
)


def _follow(request, onderwerp, naam: str):
    if request.method not in {"GET", "POST"}:
        return HttpResponseNotAllowed(["GET", "POST"])
    form = VolgForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            result = services.request_follow(email=email, onderwerp=onderwerp)
        except services.MailNotSent:
            messages.error(request, _MAIL_FAILED)
            return redirect(onderwerp.get_absolute_url())
        uren = int(services.CONFIRM_MAX_AGE.total_seconds() // 3600)
        if result is services.FollowRequest.RATE_LIMITED:
            messages.warning(request, _RATE_LIMITED)
        else:
            messages.success(request, _ASKED.format(email=email, naam=naam, uren=uren))
        return redirect(onderwerp.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "volgen/volg_form.html",
        {"form": form, "onderwerp": onderwerp, "naam": naam},
        status=status,
    )


def follow_bestuur(request, slug):
    bestuur = get_object_or_404(Bestuur, slug=slug)
    return _follow(request, bestuur, bestuur.naam)


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


def confirm(request, token):
    """GET shows what will be confirmed; the POST button confirms it.

    A plain GET never changes anything, so a mail scanner that opens links cannot subscribe
    someone on their behalf.
    """
    if request.method not in {"GET", "POST"}:
        return HttpResponseNotAllowed(["GET", "POST"])
    try:
        email, onderwerp = services.read_confirm_token(token)
    except services.BadLink as error:
        return _bad_link(request, error, purpose="bevestigen")
    if onderwerp is None:
        return render(request, "volgen/link_ongeldig.html", {"gone": True}, status=400)
    if request.method == "POST":
        services.confirm_follow(email=email, onderwerp=onderwerp)
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
def unsubscribe(request, token):
    """GET shows a button; POST forgets the address.

    CSRF protection is off for this one view because mail programs send the RFC 8058 one-click
    POST (List-Unsubscribe-Post) without any token; the signed address in the URL is the
    protection, and the worst a forged request can do is stop mail to that same address.
    """
    if request.method not in {"GET", "POST"}:
        return HttpResponseNotAllowed(["GET", "POST"])
    try:
        email = services.read_unsubscribe_token(token)
    except services.BadLink as error:
        return _bad_link(request, error, purpose="afmelden")
    if request.method == "POST":
        services.unsubscribe(email=email)
        messages.success(request, f"U bent afgemeld. We bewaren {email} niet langer.")
        return redirect("volgen:afmelden", token=token)
    return render(
        request,
        "volgen/afmelden.html",
        {"email": email, "is_known": services.find_volger(email) is not None},
    )
