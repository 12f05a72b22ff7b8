"""The review queue's and the voucher list's filters (django-filter), scoped to the
officer's authorities: a programme or provider of another authority is not a choice."""

from datetime import datetime, time, timedelta

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import industries
from accounts.models import Provider
from audit.models import AuditEvent
from authority.models import ApplicationWarning
from billing.models import Settlement
from company.models import Claim
from vouchers.models import Application, Programme, Voucher
from vouchers.services import codes


def own_programmes(request):
    return Programme.objects.filter(authority_id__in=request.authority_ids).order_by("pk")


def own_providers(request):
    designated = Programme.providers.through.objects.filter(
        programme__authority_id__in=request.authority_ids
    )
    return Provider.objects.filter(pk__in=designated.values("provider_id")).order_by("pk")


class ScopedFilterSet(django_filters.FilterSet):
    programme = django_filters.ModelChoiceFilter(label=_("Programme"), queryset=own_programmes)
    q = django_filters.CharFilter(label=_("Search"), method="search")
    search_fields: tuple = ()

    def search(self, queryset, name, value):
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value.strip()})
        return queryset.filter(condition)


class StatementFilter(ScopedFilterSet):
    """Provider statements: by programme, period (a month, a quarter, or a year's
    beginning), status and provider."""

    period = django_filters.CharFilter(
        label=_("Period (2024-06, 2024-Q3 or 2024)"), lookup_expr="startswith"
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Settlement.Status.choices)
    provider = django_filters.ModelChoiceFilter(label=_("Provider"), queryset=own_providers)
    search_fields = ("provider__name",)

    class Meta:
        model = Settlement
        fields = ["programme", "period", "status", "provider"]


class QueueFilter(ScopedFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Application.Status.choices)
    provider = django_filters.ModelChoiceFilter(
        label=_("Provider"), field_name="contract__provider", queryset=own_providers
    )
    industry = django_filters.ChoiceFilter(
        label=_("Industry"), choices=industries.CHOICES, method="in_industry"
    )
    region = django_filters.CharFilter(
        label=_("Region code (its first digits)"),
        field_name="declaration__registered_region",
        lookup_expr="startswith",
    )
    # Two labelled fields rather than a RangeFilter, whose pair of inputs share one label.
    amount_min = django_filters.NumberFilter(
        label=_("Entitlement at least (yuan)"), field_name="entitlement", lookup_expr="gte"
    )
    amount_max = django_filters.NumberFilter(
        label=_("Entitlement at most (yuan)"), field_name="entitlement", lookup_expr="lte"
    )
    waiting_days = django_filters.NumberFilter(
        label=_("Waiting at least (days)"), method="waiting_at_least", min_value=0
    )
    has_warnings = django_filters.BooleanFilter(label=_("Has warnings"), method="with_warnings")
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(("submitted_at", "submitted"), ("entitlement", "amount"), ("pk", "number")),
        field_labels={
            "submitted_at": _("Submitted"),
            "entitlement": _("Entitlement"),
            "pk": _("Number"),
        },
    )
    search_fields = ("entity__name", "entity__credit_code", "contract__number")

    class Meta:
        model = Application
        fields = ["q", "status", "programme", "provider", "industry", "region"]

    def in_industry(self, queryset, name, value):
        """A section (a letter) takes in its two-digit divisions."""
        inside = [code for code in industries.CODES if industries.within(code, [value])]
        return queryset.filter(declaration__industry__in=inside)

    def with_warnings(self, queryset, name, value):
        """Warnings are stored at submission (authority/signals.py): one EXISTS, not a
        computation per row."""
        warned = ApplicationWarning.objects.filter(application=OuterRef("pk"))
        return queryset.filter(Exists(warned)) if value else queryset.exclude(Exists(warned))

    def waiting_at_least(self, queryset, name, value):
        return queryset.filter(submitted_at__lte=timezone.now() - timedelta(days=int(value)))


class VoucherFilter(ScopedFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Voucher.Status.choices)
    provider = django_filters.ModelChoiceFilter(label=_("Provider"), queryset=own_providers)
    search_fields = ("entity__name", "entity__credit_code", "contract__number")

    class Meta:
        model = Voucher
        fields = ["q", "status", "programme", "provider"]

    def search(self, queryset, name, value):
        found = super().search(queryset, name, value)
        compact = codes.normalise(value)
        return found | queryset.filter(code__icontains=compact) if compact else found


class ClaimFilter(ScopedFilterSet):
    programme = django_filters.ModelChoiceFilter(
        label=_("Programme"), field_name="voucher__programme", queryset=own_programmes
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Claim.Status.choices)
    search_fields = ("entity__name", "entity__credit_code", "invoice_number")

    class Meta:
        model = Claim
        fields = ["q", "status", "programme"]


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


class AuditFilter(django_filters.FilterSet):
    """The audit log: by actor, object (type and id), action, programme and days. The
    days become a range of `at` itself (indexed), not a date computed per row."""

    actor = django_filters.CharFilter(
        label=_("Actor (user name)"), field_name="actor__username", lookup_expr="iexact"
    )
    object_type = django_filters.CharFilter(label=_("Object type"), method="of_type")
    object_id = django_filters.CharFilter(label=_("Object number"), field_name="object_id")
    action = django_filters.CharFilter(
        label=_("Action (or its beginning, e.g. ledger.)"),
        field_name="action",
        lookup_expr="startswith",
    )
    programme = django_filters.ModelChoiceFilter(label=_("Programme"), queryset=own_programmes)
    since = django_filters.DateFilter(label=_("From (day)"), method="from_day")
    until = django_filters.DateFilter(label=_("Until (day, inclusive)"), method="until_day")

    class Meta:
        model = AuditEvent
        fields = ["actor", "object_type", "object_id", "action", "programme"]

    def of_type(self, queryset, name, value):
        return queryset.filter(object_type=value.strip().lower())

    def from_day(self, queryset, name, value):
        return queryset.filter(at__gte=_day_start(value))

    def until_day(self, queryset, name, value):
        return queryset.filter(at__lt=_day_start(value + timedelta(days=1)))
