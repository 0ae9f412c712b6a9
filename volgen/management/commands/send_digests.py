from django.core.management.base import BaseCommand, CommandError

from volgen.services import digests_send


class Command(BaseCommand):
    help = (
        "Stuur elke bevestigde volger hoogstens één overzicht per dag met wat nieuw gepubliceerd "
        "werd, en wis onbevestigde adressen ouder dan twee dagen. Laat een planner dit dagelijks "
        "uitvoeren; opnieuw uitvoeren op dezelfde dag stuurt niets dubbel."
    )

    def handle(self, *args, **options):
        run = digests_send()
        self.stdout.write(
            f"Overzichten verstuurd: {run.sent}; niets nieuw: {run.nothing_new}; "
            f"vandaag al verstuurd: {run.already_today}; mislukt: {run.failed}; "
            f"onbevestigde adressen gewist: {run.purged}."
        )
        if run.failed:
            raise CommandError(
                f"{run.failed} overzicht(en) konden niet verstuurd worden; "
                "de volgende uitvoering probeert ze opnieuw."
            )
