"""Review before publishing, with Wagtail workflows.

- Faith-based programmes: published only after the theological rehabilitation service
  AND a human-rights/legal reviewer approve (two tasks, in that order).
- Staff professional training and staff guidelines: published after a staff content
  approver approves.
- Other programme areas: trainers publish directly.

Trainers hold add/change rights on the whole tree but publish rights only on the areas
without review (``lms.core.roles``), so they cannot bypass a workflow with the Publish
button. Every area and guideline index gets its rules when it is created (signal below),
and ``python manage.py setup_review`` applies them to an existing tree. Idempotent.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from lms.core.roles import TRAINERS

from .models import ProgrammeAreaPage, ProgrammeType

THEOLOGICAL_REVIEWERS = "Theological rehabilitation reviewers"
LEGAL_REVIEWERS = "Human-rights and legal reviewers"
STAFF_APPROVERS = "Staff content approvers"

FAITH_WORKFLOW = "Faith-based programme review"
STAFF_WORKFLOW = "Staff content review"

WORKFLOWS: dict[str, list[tuple[str, str]]] = {
    # workflow name: [(task name, reviewer group), ...] in order
    FAITH_WORKFLOW: [
        ("Theological review", THEOLOGICAL_REVIEWERS),
        ("Human-rights and legal review", LEGAL_REVIEWERS),
    ],
    STAFF_WORKFLOW: [("Staff content approval", STAFF_APPROVERS)],
}

AREA_WORKFLOW = {
    ProgrammeType.FAITH_BASED: FAITH_WORKFLOW,
    ProgrammeType.STAFF_TRAINING: STAFF_WORKFLOW,
}


def _group(name: str) -> Group:
    group, _ = Group.objects.get_or_create(name=name)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    return group


def workflow(name: str) -> Workflow:
    """The named workflow with its tasks, created if missing."""
    flow, _ = Workflow.objects.get_or_create(name=name, defaults={"active": True})
    for order, (task_name, group_name) in enumerate(WORKFLOWS[name]):
        task = GroupApprovalTask.objects.filter(name=task_name).first()
        if task is None:
            task = GroupApprovalTask.objects.create(name=task_name)
        task.groups.add(_group(group_name))
        WorkflowTask.objects.get_or_create(workflow=flow, task=task, defaults={"sort_order": order})
    return flow


def review_setup(page: Page) -> None:
    """Give an area or a guideline index its review rule (workflow or trainer publish)."""
    page = page.specific
    name = AREA_WORKFLOW.get(getattr(page, "programme_type", None))
    if page.specific_class.__name__ == "GuidelineIndexPage":
        name = STAFF_WORKFLOW
    if name is not None:
        WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow(name)})
        return
    trainers = Group.objects.filter(name=TRAINERS).first()
    if trainers is not None:
        GroupPagePermission.objects.get_or_create(
            group=trainers,
            page=page,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename="publish_page"
            ),
        )


def review_setup_all() -> int:
    """Apply the rules to every area and guideline index. Returns how many pages."""
    pages = list(ProgrammeAreaPage.objects.all()) + list(
        Page.objects.filter(
            content_type__app_label="guidelines", content_type__model="guidelineindexpage"
        )
    )
    # Publishing on the whole tree would let people bypass every workflow: trainers get it
    # per area (above), and Wagtail's starter groups and root workflow are not used.
    GroupPagePermission.objects.filter(page__depth=1, permission__codename="publish_page").exclude(
        group__name=TRAINERS
    ).filter(group__name__in=["Moderators", "Editors"]).delete()
    GroupPagePermission.objects.filter(
        group__name=TRAINERS, page__depth=1, permission__codename="publish_page"
    ).delete()
    WorkflowPage.objects.filter(page__depth=1).delete()
    for page in pages:
        review_setup(page)
    return len(pages)


@receiver(post_save, sender=ProgrammeAreaPage, dispatch_uid="courses.review_area")
def _area_saved(sender: Any, instance: Page, created: bool, raw: bool, **kwargs: Any) -> None:
    if created and not raw:
        review_setup(instance)
