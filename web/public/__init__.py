"""The public notice board (公示): what the policies publish about awards, and nothing else.

Public: the entity's name and credit code, the amount awarded, the contract's provider,
the status and the notice period's end; per programme, totals by region and industry.
Never public: declarations (revenue, employees, evidence), contract values and numbers,
voucher codes, anything about applications that were not awarded.
"""
