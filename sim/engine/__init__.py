"""The fast simulation: struct-of-arrays state, the double-entry ledger, the running
totals, one module per phase of the day (``phases``), the daily record and the
invariants checked in validate mode."""
