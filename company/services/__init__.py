"""The company portal's writes. The voucher rules stay in vouchers/services and
accounts/services; these only add what the portal itself owns."""
