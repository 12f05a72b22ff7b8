"""List filters and searches (django-filter), one per list page."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import EntityDeclaration
from company.models import Claim, Notification
from vouchers.models import Application, Programme, Voucher
from vouchers.services import codes


class SearchFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    search_fields: tuple = ()
    # Voucher codes are shown in groups of four ("K7QM-2XDP-…") and stored compact: a
    # term is compared with them in the stored form, so a code copied from a page matches.
    code_fields: tuple = ()

    def search(self, queryset, name, value):
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value.strip()})
        if compact := codes.normalise(value):
            for field in self.code_fields:
                condition |= Q(**{f"{field}__icontains": compact})
        return queryset.filter(condition)


class ProgrammeFilter(SearchFilterSet):
    settlement_mode = django_filters.ChoiceFilter(
        label=_("Settlement mode"),
        choices=Programme.SettlementMode.choices,
    )
    search_fields = ("name_zh", "name_en", "region_name", "code")

    class Meta:
        model = Programme
        fields = ["q", "settlement_mode"]


class ApplicationFilter(SearchFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Application.Status.choices)
    search_fields = ("contract__number", "programme__name_zh", "programme__name_en")

    class Meta:
        model = Application
        fields = ["q", "status"]


class VoucherFilter(SearchFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Voucher.Status.choices)
    search_fields = ("programme__name_zh", "programme__name_en")
    code_fields = ("code",)

    class Meta:
        model = Voucher
        fields = ["q", "status"]


class ClaimFilter(SearchFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Claim.Status.choices)
    search_fields = ("invoice_number",)
    code_fields = ("voucher__code",)

    class Meta:
        model = Claim
        fields = ["q", "status"]


class NotificationFilter(SearchFilterSet):
    unread = django_filters.ChoiceFilter(
        label=_("Show"),
        choices=(("true", _("Unread")), ("false", _("Read"))),
        method="by_read",
    )
    search_fields = ("subject_zh", "subject_en")

    class Meta:
        model = Notification
        fields = ["q", "unread"]

    def by_read(self, queryset, name, value):
        return queryset.filter(read_at__isnull=value == "true")


class DeclarationFilter(SearchFilterSet):
    fiscal_year = django_filters.NumberFilter(label=_("Revenue year"))
    search_fields = ("industry", "registered_region")

    class Meta:
        model = EntityDeclaration
        fields = ["q", "fiscal_year"]
