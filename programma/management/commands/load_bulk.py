from django.core.management.base import BaseCommand

from programma.bulk import load_bulk, remove_bulk


class Command(BaseCommand):
    help = "Vermenigvuldigt de trajecten (met workshops, verslagen, updates) voor benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--schaal", type=int, default=20, help="Hoeveel keer (standaard 20).")
        parser.add_argument("--verwijder", action="store_true", help="Haal de kopieën weg.")

    def handle(self, *args, schaal, verwijder, **options):
        if verwijder:
            self.stdout.write(f"{remove_bulk()} rijen verwijderd.")
            return
        if schaal < 1:
            self.stderr.write("--schaal moet minstens 1 zijn.")
            return
        self.stdout.write(f"{load_bulk(scale=schaal)} kopieën van trajecten toegevoegd.")
