from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "xinfang.reports"
    verbose_name = "报告"
