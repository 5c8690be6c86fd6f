from django.apps import AppConfig


class OrderConfig(AppConfig):
    name = "xinfang.order"
    verbose_name = "信访秩序"
