from django.urls import path

from company.views import account, applications, declarations, inbox, programmes, wallet
from payments import views as payments

app_name = "company"

urlpatterns = [
    path("", account.home, name="home"),
    path("sign-up/", account.sign_up, name="sign_up"),
    path("sign-up/confirm/<str:token>/", account.confirm_sign_up, name="confirm_sign_up"),
    path("register/", account.register, name="register"),
    path("register/check-credit-code/", account.check_credit_code, name="check_credit_code"),
    path("switch/", account.switch_entity, name="switch_entity"),
    path("team/", account.invite, name="invite"),
    path("invitations/<str:token>/", account.accept_invitation, name="accept_invitation"),
    path("declarations/", declarations.declarations, name="declarations"),
    path("declarations/new/", declarations.declare, name="declare"),
    path("declarations/<int:pk>/evidence/", declarations.evidence, name="evidence"),
    path("programmes/", programmes.catalogue, name="catalogue"),
    path("programmes/<int:pk>/", programmes.programme, name="programme"),
    path("programmes/<int:pk>/estimate/", programmes.estimate, name="estimate"),
    path("programmes/<int:programme_pk>/apply/", applications.new_application, name="apply"),
    path("applications/", applications.applications, name="applications"),
    path("applications/<int:pk>/", applications.application, name="application"),
    path("applications/<int:pk>/edit/", applications.edit_application, name="edit_application"),
    path("applications/<int:pk>/submit/", applications.submit, name="submit"),
    path("applications/<int:pk>/withdraw/", applications.withdraw, name="withdraw"),
    path("vouchers/", wallet.wallet, name="wallet"),
    path("vouchers/<int:pk>/", wallet.voucher, name="voucher"),
    path("vouchers/<int:voucher_pk>/claim/", wallet.new_claim, name="new_claim"),
    path("claims/", wallet.claims, name="claims"),
    path("claims/<int:pk>/", wallet.claim, name="claim"),
    path("claims/<int:pk>/resubmit/", wallet.resubmit, name="resubmit_claim"),
    path("claims/<int:pk>/<str:which>/", wallet.claim_file, name="claim_file"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("bank-details/", payments.company_bank_details, name="bank_details"),
    path("bank-details/change/", payments.company_change_bank_details, name="change_bank_details"),
    path("inbox/<int:pk>/read/", inbox.read, name="read"),
]
