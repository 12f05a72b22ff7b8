"""The usage-record schema and its bulk validation. Parses only; never writes.

A provider sends records as JSON objects (API) or CSV rows (usage files, plain or FOCUS
column names). `parse_records` checks each one and gives, per input position, either a
valid `RecordIn` or a `RecordError` naming the field, in Chinese and English, so that the
good records of a batch are kept when others are refused.

FOCUS rows (`ChargeClass=Correction`) are deltas, as the FOCUS specification has them: a
correction row that names the record it `corrects` carries the change to what that line
billed, negative or positive (`delta`); one that names none is late usage, a new line.
The platform's own `corrects` without `ChargeClass` keeps its corrected-total meaning.
Amounts may have up to six places (FOCUS's precision); `amount` is the figure rounded
towards zero to the fen, `billed_cost` the figure as sent.
"""

import hashlib
from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

import msgspec

from vouchers.contract_numbers import number_key
from vouchers.money import MAX_AMOUNT, round_down

LOCAL = ZoneInfo("Asia/Shanghai")
MAX_QUANTITY = Decimal("999999999999999999.999999")  # DecimalField(24, 6)
SIX_PLACES = Decimal("0.000001")
LIMITS = {"record_id": 128, "contract_number": 128, "sku": 128, "unit": 32, "description": 500}
TEXT_FIELDS = ("record_id", "contract_number", "sku", "description", "unit", "corrects")
# Each text field with its longest length, looked up once here rather than per record.
TEXT_LIMITS = tuple((name, LIMITS.get(name, 128)) for name in TEXT_FIELDS)


class RecordIn(msgspec.Struct, frozen=True):
    """A valid usage record, as the pipeline stores it."""

    record_id: str
    contract_number: str
    period_start: datetime
    period_end: datetime
    amount: Decimal
    quantity: Decimal = Decimal(0)
    sku: str = ""
    description: str = ""
    unit: str = ""
    currency: str = "CNY"
    corrects: str = ""
    # As sent, up to six places (None: the same as amount); see the module docstring.
    billed_cost: Decimal | None = None
    delta: bool = False

    @property
    def contract_key(self) -> str:
        return number_key(self.contract_number)

    @property
    def start_date(self) -> date:
        return self.period_start.astimezone(LOCAL).date()

    @property
    def end_date(self) -> date:
        return self.period_end.astimezone(LOCAL).date()

    @property
    def content_hash(self) -> str:
        """What "same content" means: every field but record_id, times compared as instants."""
        billed = self.billed_cost
        # Not `billed in (None, amount)`: a Decimal compared with None takes Python's
        # slow path of a refused comparison, once per record.
        sent = self.amount if billed is None or billed == self.amount else billed
        parts = (
            self.contract_number,
            self.period_start.timestamp(),
            self.period_end.timestamp(),
            sent,
            self.quantity.normalize(),
            self.sku,
            self.description,
            self.unit,
            self.currency,
            self.corrects,
            # Only a delta adds a part, so the hashes of records stored before deltas
            # existed stay the same and their resends remain duplicates.
            *(["delta"] if self.delta else []),
        )
        return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()


class RecordError(msgspec.Struct, frozen=True):
    code: str
    message: str
    field: str


class _Invalid(Exception):
    def __init__(self, field: str, zh: str, en: str, code: str = "invalid"):
        super().__init__(field)
        self.error = RecordError(code=code, message=f"{zh} / {en}", field=field)


def parse_records(raw: list) -> tuple[list[RecordIn | None], list[RecordError | None]]:
    """Validate each raw record (a dict of JSON values or CSV strings). Position i of the
    two lists holds either the record or its error, the other being None."""
    records, errors = [], []
    for item in raw:
        try:
            records.append(parse_record(item))
            errors.append(None)
        except _Invalid as exc:
            records.append(None)
            errors.append(exc.error)
    return records, errors


def parse_record(item) -> RecordIn:
    if not isinstance(item, dict):
        raise _Invalid("record", "记录必须是对象", "a record must be an object", "invalid_type")
    text = {name: _text(item, name, limit) for name, limit in TEXT_LIMITS}
    if not text["record_id"]:
        raise _Invalid("record_id", "缺少记录编号", "record_id is required", "required")
    if not number_key(text["contract_number"]):
        raise _Invalid("contract_number", "缺少合同编号", "contract_number is required", "required")
    # FOCUS: a correction naming its original is a delta; naming none, late usage.
    delta = item.get("ChargeClass") == "Correction" and bool(text["corrects"])
    if text["corrects"] and text["corrects"] == text["record_id"]:
        raise _Invalid("corrects", "记录不能更正自身", "a record cannot correct itself")
    start = _instant(item, "period_start")
    end = _instant(item, "period_end")
    if end < start:
        raise _Invalid(
            "period_end",
            "结束时间早于开始时间",
            "period_end is before period_start",
            "out_of_range",
        )
    currency = _text(item, "currency")
    if currency != "CNY":
        raise _Invalid("currency", "币种必须是 CNY", "currency must be CNY", "invalid_currency")
    billed_cost = _amount(item, delta)
    return RecordIn(
        amount=round_down(billed_cost),
        billed_cost=billed_cost,
        delta=delta,
        quantity=_quantity(item, delta),
        period_start=start,
        period_end=end,
        currency=currency,
        **text,
    )


def _text(item: dict, name: str, limit: int = 128) -> str:
    value = item.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _Invalid(name, f"{name} 必须是字符串", f"{name} must be a string", "invalid_type")
    value = value.strip()
    if "\x00" in value:  # PostgreSQL text cannot hold it; refuse it here, not with a 500
        raise _Invalid(
            name, f"{name} 含有空字符", f"{name} contains a NUL character", "invalid_character"
        )
    if len(value) > limit:
        raise _Invalid(
            name,
            f"{name} 超过 {limit} 个字符",
            f"{name} is longer than {limit} characters",
            "too_long",
        )
    return value


def _instant(item: dict, name: str) -> datetime:
    value = item.get(name)
    if not isinstance(value, str) or not (value := value.strip()):
        raise _Invalid(name, f"缺少 {name}", f"{name} is required (ISO 8601)", "required")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _Invalid(
            name, f"{name} 不是 ISO 8601 时间", f"{name} is not an ISO 8601 time", "invalid_time"
        ) from None
    if parsed.utcoffset() is None:  # also None without a tzinfo
        raise _Invalid(
            name,
            f"{name} 须带时区偏移",
            f"{name} needs a UTC offset (e.g. +08:00)",
            "missing_offset",
        )
    return parsed


def _decimal(item: dict, name: str, signed: bool = False) -> Decimal:
    value = item.get(name)
    # A JSON number has already been through a float; only a string is exact.
    if not isinstance(value, str):
        raise _Invalid(
            name,
            f"{name} 须为十进制字符串",
            f'{name} must be a decimal string such as "12.50"',
            "invalid_type",
        )
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        raise _Invalid(
            name, f"{name} 不是数字", f"{name} is not a number", "invalid_number"
        ) from None
    if not number.is_finite() or (number < 0 and not signed):
        raise _Invalid(name, f"{name} 不能为负数", f"{name} must be zero or more", "out_of_range")
    return number


def _amount(item: dict, delta: bool) -> Decimal:
    """The amount as sent: at most six places; negative only in a delta."""
    number = _decimal(item, "amount", signed=True)
    if number < 0 and not delta and item.get("ChargeClass") == "Correction":
        raise _Invalid(
            "corrects",
            "减少计费的更正须注明所更正的记录编号",
            "a correction that lowers the bill must name the record_id it corrects",
            "required",
        )
    if number < 0 and not delta:
        raise _Invalid("amount", "amount 不能为负数", "amount must be zero or more", "out_of_range")
    too_large = number.copy_abs() > MAX_AMOUNT
    if too_large or number != number.quantize(SIX_PLACES, rounding=ROUND_DOWN):
        detail = "too large" if too_large else "more than six decimal places"
        raise _Invalid(
            "amount", "金额须为元，最多六位小数", f"amount in yuan is {detail}", "invalid_amount"
        )
    return number


def _quantity(item: dict, delta: bool) -> Decimal:
    if item.get("quantity") in (None, ""):
        return Decimal(0)
    number = _decimal(item, "quantity", signed=delta)
    if number.copy_abs() > MAX_QUANTITY or number != number.quantize(SIX_PLACES):
        raise _Invalid(
            "quantity",
            "数量超出范围或超过六位小数",
            "quantity is too large or has more than six decimal places",
            "out_of_range",
        )
    return number


# CSV columns: the names, and the FOCUS cost-and-usage names for the same fields.
FOCUS_COLUMNS = {
    "BilledCost": "amount",
    "ChargePeriodStart": "period_start",
    "ChargePeriodEnd": "period_end",
    "SkuId": "sku",
    "ConsumedQuantity": "quantity",
    "ConsumedUnit": "unit",
    "BillingCurrency": "currency",
    "ChargeDescription": "description",
}
REQUIRED_COLUMNS = ("record_id", "contract_number", "period_start", "period_end", "amount")


def csv_columns(header: list[str]) -> list[str]:
    """The record field each CSV column holds ("" for a column we do not use)."""
    known = {*TEXT_FIELDS, "period_start", "period_end", "amount", "quantity", "currency"}
    fields = []
    for name in header:
        name = name.strip()
        field = FOCUS_COLUMNS.get(name, name)
        fields.append(field if field in known or name == "ChargeClass" else "")
    return fields


def missing_columns(fields: list[str]) -> list[str]:
    return [name for name in REQUIRED_COLUMNS if name not in fields]


# How the FOCUS specification's sample files print a null; in these fields it is empty.
NULL_CELL = "(null)"
FOCUS_FIELDS = {*FOCUS_COLUMNS.values(), "ChargeClass"}


def csv_row(fields: list[str], row: list[str]) -> dict:
    """One CSV row as a raw record (FOCUS `ChargeClass` is checked by parse_record)."""
    return {
        field: value
        for field, value in zip(fields, row, strict=False)
        if field and not (value == NULL_CELL and field in FOCUS_FIELDS)
    }
