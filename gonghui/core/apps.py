from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "gonghui.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Each app's console.py registers its side-navigation entries and dashboard figures,
        # its imports.py the kinds of spreadsheet import it accepts.
        autodiscover_modules("console", "imports")
