"""Fault and latency injection: rules (syntax), the injector (decisions) and the middleware.

Not to be confused with planted faults (mock_server/packs/*/faults: they make the mock wrong for the
contract suite's own tests): these are faults a client asks for, to see how it copes.
"""

from .injector import FaultInjector
from .rules import FaultRule, RuleError, parse_rule

__all__ = ["FaultInjector", "FaultRule", "RuleError", "parse_rule"]
