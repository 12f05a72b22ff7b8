"""The names of audit actions, "<object>.<what happened>": one spelling shared by the
services that record events and by the code that reads them (notifications, the
company timeline, tests). An action built from a state or a kind goes through a
mapping here, so a state with no name fails loudly instead of inventing one."""

# Organisations and people
ENTITY_REGISTER = "entity.register"
PROVIDER_REGISTER = "provider.register"
ENTITY_DECLARE = "entity.declare"
# An officer checked a self-registered entity's business licence.
ENTITY_VERIFY = "entity.verify"
ENTITY_REFUSE = "entity.refuse"
ENTITY_VERIFICATION = {"verified": ENTITY_VERIFY, "refused": ENTITY_REFUSE}
USER_SIGN_UP = "user.sign_up"
INVITATION_CREATE = "invitation.create"
INVITATION_ACCEPT = "invitation.accept"
API_KEY_CREATE = "api_key.create"
API_KEY_REVOKE = "api_key.revoke"
API_SIGNING_SET = "api_signing.set"
API_SIGNING_ROTATE = "api_signing.rotate"
# A user's second factor (authenticator + backup codes): first set up, or replaced.
TWO_FACTOR_ENROL = "two_factor.enrol"
TWO_FACTOR_REENROL = "two_factor.reenrol"

# Programmes and their rules
PROGRAMME_CREATE = "programme.create"
PROGRAMME_PUBLISH = "programme.publish"
RULESET_REVISE = "ruleset.revise"
# The builder: a draft's terms edited; a published programme closed to new applications;
# an entity invited to apply (政策找企业).
PROGRAMME_UPDATE = "programme.update"
PROGRAMME_CLOSE = "programme.close"
PROGRAMME_INVITE = "programme.invite"

# Applications: created, then one action per state it moves to
APPLICATION_CREATE = "application.create"
APPLICATION_SUBMITTED = "application.submitted"
APPLICATION_RETURNED = "application.returned"
APPLICATION_APPROVE = "application.approve"
APPLICATION_REJECTED = "application.rejected"
APPLICATION_WITHDRAWN = "application.withdrawn"
APPLICATION_WARNING_SEEN = "application.warning_seen"
PERSONAL_DATA_REVEAL = "personal_data.reveal"
# Above a programme's second-review threshold: the first reviewer's approval, then the
# second, different reviewer's confirmation (which issues the voucher).
FIRST_APPROVAL_CREATE = "first_approval.create"
FIRST_APPROVAL_CONFIRM = "first_approval.confirm"

# Contracts: registered, revised by the applicant, answered by the provider
CONTRACT_REGISTER = "contract.register"
CONTRACT_REVISE = "contract.revise"
CONTRACT_CONFIRMED = "contract.confirmed"
CONTRACT_DISPUTED = "contract.disputed"

# Vouchers
VOUCHER_ISSUE = "voucher.issue"
VOUCHER_ACTIVATE = "voucher.activate"
VOUCHER_REDEEM = "voucher.redeem"
# A reconcile run that looked at the voucher's records and moved no money.
VOUCHER_RECONCILE = "voucher.reconcile"
VOUCHER_EXPIRE = "voucher.expire"
VOUCHER_REVOKE = "voucher.revoke"
# Public notice: an officer ends it early (with a reason); objections from the board.
VOUCHER_END_NOTICE_EARLY = "voucher.end_notice_early"
OBJECTION_FILE = "objection.file"
OBJECTION_UPHOLD = "objection.uphold"
OBJECTION_DISMISS = "objection.dismiss"
# A new version of the dishonesty (失信) list, imported by an officer.
DISHONESTY_LIST_IMPORT = "dishonesty_list.import"

# Ledger entries, one per LedgerEntry.Kind
LEDGER_FUND = "ledger.fund"
LEDGER_COMMIT = "ledger.commit"
LEDGER_REDEEM = "ledger.redeem"
LEDGER_TAKE_BACK = "ledger.take_back"
LEDGER_RELEASE = "ledger.release"
LEDGER_PAY = "ledger.pay"
LEDGER_CLAWBACK = "ledger.clawback"
LEDGER_OFFSET = "ledger.offset"
LEDGER_REPAY = "ledger.repay"
LEDGER_WRITE_OFF = "ledger.write_off"

# Claw-back (追回, recovery/): a finding, and how its receivable is recovered.
FINDING_RECORD = "finding.record"
RECEIVABLE_OFFSET = "receivable.offset"
RECEIVABLE_REPAY = "receivable.repay"
WRITE_OFF_REQUEST = "write_off.request"
WRITE_OFF_CONFIRM = "write_off.confirm"
WRITE_OFF_WITHDRAW = "write_off.withdraw"

# Billing
USAGE_EXCEPTION_ACCEPTED = "usage_exception.accepted"
USAGE_EXCEPTION_REJECTED = "usage_exception.rejected"
# A correction's original arrived: its unknown_original case closes, it is reconciled again.
USAGE_EXCEPTION_SUPERSEDED = "usage_exception.superseded"
SETTLEMENT_BUILD = "settlement.build"
SETTLEMENT_APPROVE = "settlement.approve"
SETTLEMENT_PAY = "settlement.pay"
CLAIM_SUBMITTED = "claim.submitted"
# A reviewer's decision on a reimburse claim.
CLAIM_APPROVED = "claim.approved"
CLAIM_RETURNED = "claim.returned"
CLAIM_REJECTED = "claim.rejected"

# A provider's webhook endpoints (webhooks/); disabled by its staff or after failures.
WEBHOOK_CREATE = "webhook_endpoint.create"
WEBHOOK_DISABLE = "webhook_endpoint.disable"
WEBHOOK_ENABLE = "webhook_endpoint.enable"
WEBHOOK_ROTATE = "webhook_endpoint.rotate_secret"
WEBHOOK_REDELIVER = "webhook_delivery.redeliver"
# A usage file received, through the portal (its user) or the API (no user: the key).
USAGE_FILE_UPLOAD = "usage_file.upload"
# A claim paid by a payment batch (payable -> paid).
CLAIM_PAID = "claim.paid"

# Payments (payments/): payees' bank details, four-eyes payment batches.
BANK_DETAILS_CHANGE = "bank_details.change"
PAYMENT_BATCH_PREPARE = "payment_batch.prepare"
PAYMENT_BATCH_APPROVE = "payment_batch.approve"
PAYMENT_BATCH_REJECT = "payment_batch.reject"
PAYMENT_BATCH_PAY = "payment_batch.pay"

# The suffix of an admin edit of descriptive fields: "<model name>.edit".
EDIT = "edit"

LEDGER = {
    "fund": LEDGER_FUND,
    "commit": LEDGER_COMMIT,
    "redeem": LEDGER_REDEEM,
    "take_back": LEDGER_TAKE_BACK,
    "release": LEDGER_RELEASE,
    "pay": LEDGER_PAY,
    "clawback": LEDGER_CLAWBACK,
    "offset": LEDGER_OFFSET,
    "repay": LEDGER_REPAY,
    "write_off": LEDGER_WRITE_OFF,
}
APPLICATION_BY_STATUS = {
    "submitted": APPLICATION_SUBMITTED,
    "returned": APPLICATION_RETURNED,
    "rejected": APPLICATION_REJECTED,
    "withdrawn": APPLICATION_WITHDRAWN,
}
CONTRACT_BY_STATUS = {"confirmed": CONTRACT_CONFIRMED, "disputed": CONTRACT_DISPUTED}
REGISTER_BY_MODEL = {"entity": ENTITY_REGISTER, "provider": PROVIDER_REGISTER}
VOUCHER_CLOSE = {"expire": VOUCHER_EXPIRE, "revoke": VOUCHER_REVOKE}
USAGE_EXCEPTION_BY_DECISION = {
    "accepted": USAGE_EXCEPTION_ACCEPTED,
    "rejected": USAGE_EXCEPTION_REJECTED,
}
CLAIM_BY_STATUS = {"returned": CLAIM_RETURNED, "rejected": CLAIM_REJECTED}
SETTLEMENT_BY_STEP = {"approve": SETTLEMENT_APPROVE, "pay": SETTLEMENT_PAY}


def edited(obj) -> str:
    """The action of an admin edit of `obj`'s descriptive fields."""
    return f"{type(obj).__name__.lower()}.{EDIT}"
