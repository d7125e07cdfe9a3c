"""Planted faults: switches, off by default, that each make the mock wrong in one known way.

They exist to prove the contract suite catches real mistakes: `Settings(planted_faults=...)`.
Nothing here runs unless a fault is switched on.
"""

from .catalogue import FAULTS

__all__ = ["FAULTS"]
