"""Vouchers: issued by approval, closed by revocation or expiry, never edited by hand."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.http import HttpResponseRedirect
from django.utils import timezone

from config.admin_helpers import ViewOnlyMixin
from config.errors import DomainError, bilingual
from vouchers.admin.common import REFUSALS, refusal_message, with_note
from vouchers.models import Voucher
from vouchers.services import codes
from vouchers.services.closing import close_vouchers, revoke_voucher

EXPIRY_ACTION = "run_expiry_now"


@admin.register(Voucher)
class VoucherAdmin(ViewOnlyMixin, admin.ModelAdmin):
    list_display = (
        "display_code",
        "entity",
        "programme",
        "provider",
        "kind",
        "status",
        "face_value",
        "redeemed",
        "released",
        "remaining",
        "expires_on",
    )
    list_filter = ("status", "kind", "programme", "expires_on")
    list_select_related = ("entity", "programme", "provider")
    search_fields = (
        "code",
        "entity__name",
        "entity__credit_code",
        "contract__number",
        "provider__name",
    )
    date_hierarchy = "issued_at"
    fields = (
        "display_code",
        "status",
        "application",
        "programme",
        "entity",
        "provider",
        "contract",
        "kind",
        "rate",
        "face_value",
        "redeemed",
        "released",
        "remaining",
        "issued_at",
        "notice_ends_on",
        "valid_from",
        "expires_on",
    )
    readonly_fields = ("display_code", "remaining")
    actions = ("revoke", EXPIRY_ACTION)

    @admin.display(description="券码 / code", ordering="code")
    def display_code(self, obj):
        return codes.display(obj.code)

    @admin.display(description="余额 / remaining")
    def remaining(self, obj):
        return obj.remaining

    def get_search_results(self, request, queryset, search_term):
        """A code is often typed as shown, in groups with dashes: match its stored form too,
        and say so when its check character shows a typo instead of finding nothing."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if len(codes.normalise(search_term)) == codes.BODY_LENGTH + 1:
            try:
                results |= queryset.filter(code=codes.parse(search_term))
            except DomainError as typo:
                self.message_user(request, typo.message, level=messages.WARNING)
        return results, may_have_duplicates

    @admin.action(description="撤销（须填写理由）/ revoke (with a reason)")
    def revoke(self, request, queryset):
        return with_note(
            self,
            request,
            queryset,
            action="revoke",
            title=bilingual("撤销算力券", "revoke vouchers"),
            label=bilingual("撤销理由", "reason for revocation"),
            run=lambda v, reason: revoke_voucher(voucher=v, by=request.user, reason=reason),
        )

    def has_run_expiry_permission(self, request):
        return request.user.is_superuser

    @admin.action(
        description="立即执行到期处理（全部券）/ run expiry now (all vouchers)",
        permissions=("run_expiry",),
    )
    def run_expiry_now(self, request, queryset):
        """The daily job, now: it looks at every voucher, whatever is selected."""
        try:
            result = close_vouchers(today=timezone.localdate())
        except REFUSALS as exc:
            self.message_user(request, refusal_message(exc), level=messages.ERROR)
            return
        self.message_user(
            request,
            bilingual(
                f"已过期 {result['expired']} 张，结束公示 {result['activated']} 张",
                f"expired {result['expired']}, ended public notice of {result['activated']}",
            ),
            level=messages.SUCCESS,
        )
        if result.get("busy"):
            # Locked by a reconcile past lock_timeout: the next run takes them.
            self.message_user(
                request,
                bilingual(
                    f"{result['busy']} 张券正在处理中（例如对账），请稍后再执行",
                    f"{result['busy']} vouchers are busy (being reconciled, for example); run it again in a moment",
                ),
                level=messages.WARNING,
            )

    def changelist_view(self, request, extra_context=None):
        # The expiry job needs no selection, but Django refuses an action without one.
        nothing_selected = not request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if request.method == "POST" and nothing_selected and self._expiry_requested(request):
            self.run_expiry_now(request, self.get_queryset(request).none())
            return HttpResponseRedirect(request.get_full_path())
        return super().changelist_view(request, extra_context)

    def _expiry_requested(self, request) -> bool:
        chosen = request.POST.getlist("action")
        try:
            action = chosen[int(request.POST.get("index", 0))]
        except (IndexError, ValueError):
            return False
        return action == EXPIRY_ACTION and EXPIRY_ACTION in self.get_actions(request)
