from django.apps import AppConfig


class ReceptionsConfig(AppConfig):
    name = "xinfang.receptions"
    verbose_name = "领导接访"
