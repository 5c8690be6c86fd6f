"""Keep the statistics rollup in step with every saved or deleted petition, clock, evaluation and notice.

A receiver rather than a call in each service: the petitions, clocks, evaluations and notices are written by
the workflow, the petitions services, the matching app, the portal, imports and the demo, and every one of
those writes passes `save()` or `delete()`. The writes that do not (QuerySet.update, bulk inserts) call
`rollup.touch` themselves (docs/STATISTICS.md, "Rollups").
"""

from django.db.models.signals import post_save, pre_delete, pre_save

from xinfang.petitions.models import Category, Petition
from xinfang.stats import rollup
from xinfang.workflow.models import Clock, Evaluation, Notice


def petition_changing(sender, instance: Petition, **kwargs) -> None:
    # The new first petition too: from now on this repeat decides its 化解.
    if instance.pk is None:
        rollup.touch([instance.first_petition_id])
    else:
        rollup.touch([instance.pk, instance.first_petition_id])


def petition_created(sender, instance: Petition, created: bool, **kwargs) -> None:
    if created:
        rollup.mark_new(instance.pk)


def row_changing(sender, instance, **kwargs) -> None:
    rollup.touch([instance.petition_id])


def category_changing(sender, instance: Category, **kwargs) -> None:
    # A category moved under another changes which top-level category its petitions count under.
    if instance.pk is not None:
        rollup.invalidate()


def connect() -> None:
    pre_save.connect(petition_changing, sender=Petition, dispatch_uid="stats.rollup.petition_save")
    pre_delete.connect(petition_changing, sender=Petition, dispatch_uid="stats.rollup.petition_delete")
    post_save.connect(petition_created, sender=Petition, dispatch_uid="stats.rollup.petition_created")
    for model in (Clock, Evaluation, Notice):
        pre_save.connect(row_changing, sender=model, dispatch_uid=f"stats.rollup.{model.__name__}_save")
        pre_delete.connect(row_changing, sender=model, dispatch_uid=f"stats.rollup.{model.__name__}_delete")
    pre_save.connect(category_changing, sender=Category, dispatch_uid="stats.rollup.category_save")
    pre_delete.connect(category_changing, sender=Category, dispatch_uid="stats.rollup.category_delete")
