"""Fault and latency injection: rules (syntax), the injector (decisions) and the middleware.

Not to be confused with mock_server/faults (planted faults that make the mock wrong for the contract
suite's own tests): these are faults a client asks for, to see how it copes.
"""

from .injector import FaultInjector
from .rules import FaultRule, RuleError, parse_rule

__all__ = ["FaultInjector", "FaultRule", "RuleError", "parse_rule"]
