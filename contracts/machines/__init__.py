"""Hypothesis state machines that drive a server and a plain model side by side."""

from .preferences import preferences_machine
from .vehicles import vehicle_machine

__all__ = ["preferences_machine", "vehicle_machine"]
