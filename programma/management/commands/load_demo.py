from django.core.management.base import BaseCommand

from programma.demo import load_demo, remove_demo


class Command(BaseCommand):
    help = (
        "Voegt illustratieve demoverslagen toe (elke pagina meldt dat dan). "
        "Met --verwijder gaat alle demo-inhoud er weer uit."
    )

    def add_arguments(self, parser):
        parser.add_argument("--verwijder", action="store_true", help="Verwijder de demo-inhoud.")

    def handle(self, *args, verwijder: bool, **options):
        if verwijder:
            self.stdout.write(self.style.SUCCESS(f"{remove_demo()} demo-items verwijderd."))
        else:
            self.stdout.write(self.style.SUCCESS(f"{load_demo()} demo-items toegevoegd."))
