from gonghui.core.imports.command import ImportCommand


class Command(ImportCommand):
    help = "Check a spreadsheet of workers (dry run) and, with --commit, import it."
    kind = "workers"
