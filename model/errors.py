"""The error every command of the project raises for a mistake the user can fix: the command line prints it as
one line, with no traceback. Here, not in a command-line module, so the daemon and the model's commands can
share it without importing each other's front ends."""


class UserError(Exception):
    """An error the user can fix; printed as one line, no traceback."""
