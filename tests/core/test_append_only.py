import pytest
from django.apps import apps

from consent.models import ConsentRecord
from h5p.models import XAPIStatement
from lms.core.append_only import AppendOnlyModel, AppendOnlyQuerySet
from lms.core.models import AuditEvent

pytestmark = pytest.mark.django_db

APPEND_ONLY = {AuditEvent, ConsentRecord, XAPIStatement}


def test_the_audit_trail_consent_records_and_xapi_statements_are_append_only():
    built_on_it = {model for model in apps.get_models() if issubclass(model, AppendOnlyModel)}
    assert built_on_it == APPEND_ONLY


@pytest.mark.parametrize("model", sorted(APPEND_ONLY, key=lambda model: model.__name__))
def test_every_append_only_queryset_refuses_bulk_update_and_delete(model):
    assert isinstance(model.objects.all(), AppendOnlyQuerySet)
    with pytest.raises(PermissionError, match=model._meta.label):
        model.objects.all().update()
    with pytest.raises(PermissionError, match=model._meta.label):
        model.objects.filter(pk__in=[]).delete()


def test_a_row_is_written_once_and_then_neither_changed_nor_deleted():
    event = AuditEvent.objects.create(action="test.written", object_type="test", object_id="1")
    event.action = "test.rewritten"
    with pytest.raises(PermissionError, match="core.AuditEvent rows are append-only"):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.written"
