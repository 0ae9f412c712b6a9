from django.core.management.base import BaseCommand, CommandError

from coach.services import reminders_send


class Command(BaseCommand):
    help = (
        "Stuur elke coach hoogstens één herinnering per dag met de verslagen van zijn of haar "
        "trajecten die te lang op publicatie wachten. Laat een planner dit dagelijks uitvoeren; "
        "opnieuw uitvoeren op dezelfde dag stuurt niets dubbel."
    )

    def handle(self, *args, **options):
        run = reminders_send()
        self.stdout.write(
            f"Herinneringen verstuurd: {run.sent}; vandaag al verstuurd: {run.already_today}; "
            f"mislukt: {run.failed}."
        )
        if run.failed:
            raise CommandError(
                f"{run.failed} herinnering(en) konden niet verstuurd worden; "
                "de volgende uitvoering probeert ze opnieuw."
            )
