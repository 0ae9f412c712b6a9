"""Following mails, sent by the task worker so a follow request answers the same every time."""

from django.tasks import task

from besturen.models import Bestuur
from trajecten.models import Traject
from volgen import services


@task()
def follow_request(*, email: str, kind: str, pk: int) -> str:
    """Send the confirmation mail for following one bestuur ("b") or traject ("t"), if due."""
    model = Traject if kind == "t" else Bestuur
    onderwerp = model.objects.filter(pk=pk).first()
    if onderwerp is None:
        return "gone"
    return services.follow_request(email=email, onderwerp=onderwerp).value
