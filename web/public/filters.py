"""Filter and search the board's awards (django-filter): by status, provider and a search
over the public columns (entity name, credit code)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vouchers.models import Voucher


class AwardFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search (name or credit code)"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=(
            ("notice", _("In public notice")),
            ("awarded", _("Awarded")),
        ),
        method="filter_status",
    )
    provider = django_filters.CharFilter(
        label=_("Provider"), field_name="provider__name", lookup_expr="icontains"
    )

    class Meta:
        model = Voucher
        fields = ["q", "status", "provider"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(entity__name__icontains=value) | Q(entity__credit_code__iexact=value.upper())
        )

    def filter_status(self, queryset, name, value):
        if value == "notice":
            return queryset.filter(status=Voucher.Status.PUBLIC_NOTICE)
        return queryset.exclude(status=Voucher.Status.PUBLIC_NOTICE)
