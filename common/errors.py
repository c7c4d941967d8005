"""User-facing errors. Every message is clear Chinese that a clerk or citizen can act on."""

from __future__ import annotations


class HallError(Exception):
    """Base for errors a screen shows as they are (the message is already for people)."""

    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(HallError):
    exit_code = 4


class InvalidInput(HallError):
    exit_code = 4


class Conflict(HallError):
    """The state changed under us (e.g. another window already called this ticket)."""

    exit_code = 5


class PermissionDenied(HallError):
    exit_code = 6
