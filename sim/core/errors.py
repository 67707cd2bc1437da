"""The one type of input error. Every problem a user can fix (a scenario, a sweep file, a
command-line option, a run folder) is raised as an ``InputError`` or a subclass, holding one
line per problem (``SOURCE: FIELD: reason``); `circsim` prints them, exits with status 2 and
writes nothing."""


class InputError(Exception):
    """Input that cannot be used; ``problems`` holds one line per problem."""

    def __init__(self, problems: list[str] | str):
        problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(problems))
        self.problems = problems
