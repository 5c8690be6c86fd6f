from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "xinfang.workflow"
    verbose_name = "办理程序"

    def ready(self) -> None:
        from xinfang.workflow import receivers  # noqa: F401  (registration and calendar signals)
