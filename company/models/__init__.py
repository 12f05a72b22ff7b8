"""The company portal's own rows.

- **CompanyAccount**: one per self-registered entity; who administers it (may invite
  colleagues) and the region given at registration (it pre-fills the first declaration).
- **Invitation**: an entity admin invites a colleague by e-mail; the unguessable token
  is accepted once, making the accepting user entity staff.
- **Notification**: the in-app inbox, one row per recipient and audit event (unique), so
  scanning the audit trail twice never notifies twice.
- **Claim**: a reimburse-mode claim against a voucher with its invoice (发票) and proof
  of delivery. States: submitted -> verified -> paid, or submitted -> rejected; the
  portal only files (submitted); the authority's side moves it on. Its invoice number is
  unique per entity (by normalised key), amount > 0.
"""

from company.models.accounts import CompanyAccount, Invitation
from company.models.claims import Claim
from company.models.notifications import Notification, NotificationScan

__all__ = ["Claim", "CompanyAccount", "Invitation", "Notification", "NotificationScan"]
