"""Progress of a run, stage by stage: to the run's Prefect log, and to any listener.

``newsflow ingest`` in a terminal adds a listener that prints one line per stage; on a
schedule nobody listens and the lines only reach the Prefect UI.
"""

from __future__ import annotations

from collections.abc import Callable

from prefect import get_run_logger

Listener = Callable[[str, str], None]
_listeners: list[Listener] = []


def add_listener(listener: Listener) -> None:
    _listeners.append(listener)


def remove_listener(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def report(stage: str, message: str) -> None:
    """Tell the log and the listeners how a stage is going."""
    get_run_logger().info("%s: %s", stage, message)
    for listener in list(_listeners):
        listener(stage, message)


def warn(stage: str, message: str) -> None:
    """Something the user must hear about once: the listeners' line when someone listens,
    else a warning in the log (which a quiet terminal still shows)."""
    if _listeners:
        report(stage, message)
    else:
        get_run_logger().warning("%s: %s", stage, message)
