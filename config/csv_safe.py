"""CSV the platform writes: no cell can start a formula in a spreadsheet.

A cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel,
LibreOffice or Google Sheets as a formula (or the start of one once the tab is trimmed),
so it gets a leading apostrophe, which spreadsheets show as text. Nothing is stripped
first: stripping a tab is what turns `\\t=1+1` into a live `=1+1`. Negative amounts are
escaped too (`'-1.00`): the rule is by first character, with no exception a crafted cell
could hide behind. defusedcsv was considered: it lets a leading tab or CR through and
exempts anything that looks like a number, both of which the brief forbids.
"""

import csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value as a CSV cell that a spreadsheet shows as text (None stays empty)."""
    if value is None:
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class DictWriter(csv.DictWriter):
    """csv.DictWriter whose every cell goes through `safe_cell`."""

    def writerow(self, rowdict):
        return super().writerow(_escaped(rowdict))

    def writerows(self, rowdicts):
        return super().writerows(_escaped(row) for row in rowdicts)


def _escaped(rowdict: dict) -> dict:
    return {key: safe_cell(value) for key, value in rowdict.items()}
