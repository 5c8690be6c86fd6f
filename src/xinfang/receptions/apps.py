from django.apps import AppConfig


class ReceptionsConfig(AppConfig):
    name = "xinfang.receptions"
    verbose_name = "领导接访"

    def ready(self) -> None:
        from xinfang.receptions.indicators import SECTION
        from xinfang.stats.ledgers import register_section

        register_section(SECTION)
