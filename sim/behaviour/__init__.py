"""Members' and merchants' behaviour stated once, in plain Python, for the engine, the
reference model and the mean-field twin alike: Bass arrivals, mood (attractiveness,
withdrawal and churn probabilities) and merchant supply."""
