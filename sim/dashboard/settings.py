"""What `circsim dashboard` tells the page it starts, through the environment, and the
defaults of both (this module imports nothing heavy, so `circsim` starts fast)."""


SCENARIO_VARIABLE = "CIRCSIM_DASHBOARD_SCENARIO"
"""Environment variable telling the page which scenario file to run (default: the baseline)."""


MEMBERS_VARIABLE = "CIRCSIM_DASHBOARD_MEMBERS"
"""Environment variable telling the page how many initial members its scaled run has."""


DEFAULT_MEMBERS = 2_000
"""Initial members when none are given: small enough to play a day in a blink."""


OUT_VARIABLE = "CIRCSIM_DASHBOARD_OUT"
"""Environment variable naming the folder the workbench saves its runs in (as `circsim run --out`)."""


STUDIES_VARIABLE = "CIRCSIM_DASHBOARD_STUDIES"
"""Environment variable naming the folder of design studies (`circsim optimize` output) to offer."""


DEFAULT_OUT = "results"
"""Where runs go when `--out` is not given, as for `circsim run`."""
