"""The portal's list filters (django-filter), over the provider's own rows only (the
views pass a queryset already scoped by provider/access.py)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from billing.models import ReconciliationException
from vouchers.models import Contract


class ContractFilter(django_filters.FilterSet):
    answer = django_filters.ChoiceFilter(
        label=_("Answer"), field_name="provider_status", choices=Contract.ProviderStatus.choices
    )
    q = django_filters.CharFilter(label=_("Search"), method="search")

    def search(self, queryset, name, value):
        term = value.strip()
        return queryset.filter(Q(number__icontains=term) | Q(entity__name__icontains=term))


class ExceptionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ReconciliationException.Status.choices
    )
    reason = django_filters.ChoiceFilter(
        label=_("Reason"), choices=ReconciliationException.Reason.choices
    )
    q = django_filters.CharFilter(label=_("Search"), method="search")

    def search(self, queryset, name, value):
        term = value.strip()
        return queryset.filter(
            Q(record__record_id__icontains=term) | Q(record__contract_number__icontains=term)
        )
