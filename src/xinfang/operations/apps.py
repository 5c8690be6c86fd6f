from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "xinfang.operations"
    verbose_name = "运行维护"
