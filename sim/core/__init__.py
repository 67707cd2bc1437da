"""The lowest layer: units and dtypes, the counter-based random generator, the chart of
accounts, the input-error type and money formatting. It imports nothing of circsim."""
