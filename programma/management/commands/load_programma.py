from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from programma.loader import DEFAULT_DATA_FILE, load_programme


class Command(BaseCommand):
    help = "Laadt de echte gegevens van een programmaronde (besturen, trajecten, lijsten)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--bestand",
            type=Path,
            default=DEFAULT_DATA_FILE,
            help=f"TOML-bestand met de ronde (standaard {DEFAULT_DATA_FILE.name}).",
        )

    def handle(self, *args, bestand: Path, **options):
        if not bestand.is_file():
            raise CommandError(f"Bestand niet gevonden: {bestand}")
        try:
            report = load_programme(bestand)
        except (KeyError, ValueError) as exc:
            raise CommandError(f"{bestand.name} is onvolledig of ongeldig: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(report.summary()))
