"""What `circsim dashboard` tells the page it starts, through the environment."""


SCENARIO_VARIABLE = "CIRCSIM_DASHBOARD_SCENARIO"
"""Environment variable telling the page which scenario file to run (default: the baseline)."""


MEMBERS_VARIABLE = "CIRCSIM_DASHBOARD_MEMBERS"
"""Environment variable telling the page how many initial members its scaled run has."""


DEFAULT_MEMBERS = 2_000
"""Initial members when none are given: small enough to play a day in a blink."""
