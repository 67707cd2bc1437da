"""Text for people: exact money amounts from integer cents."""


def format_cents(cents: int) -> str:
    """Exact currency text from integer cents: 123456789 -> '1,234,567.89'."""
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(int(cents)), 100)
    return f"{sign}{units:,}.{rest:02d}"
