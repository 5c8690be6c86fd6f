from django.apps import AppConfig


class OrderConfig(AppConfig):
    name = "xinfang.order"
    verbose_name = "信访秩序"

    def ready(self) -> None:
        from xinfang.order.indicators import SECTION
        from xinfang.stats.ledgers import register_section

        register_section(SECTION)
