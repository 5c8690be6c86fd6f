from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "xinfang.exchange"
    verbose_name = "数据交换"
