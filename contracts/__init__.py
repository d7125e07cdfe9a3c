"""Contract suite for MinBil CarOwner servers: checks any implementation against openapi.yaml and the
API's rules, over HTTP or in-process (ASGI). Never imports the mock server.

    from contracts import Target, RunOptions, PROFILES, run_suite
    report = run_suite(Target.http("http://localhost:5000"), RunOptions(token="demo-kari"))
    report.raise_for_failures()
"""

from .events import (
    CheckFinished,
    Event,
    Listener,
    Progress,
    RunFinished,
    RunStarted,
    Setting,
    SkippedSuite,
    SuiteConfigured,
    SuiteFinished,
    SuiteStarted,
)
from .failures import Failure, Status
from .options import DEFAULT_PLATES, PROFILES, SUITE_NAMES, Profile, RegistryOptions, RunOptions, TimeControl
from .report import Report
from .rules import RULES, Rule
from .runner import run_suite
from .target import Target

__all__ = [
    "DEFAULT_PLATES",
    "PROFILES",
    "RULES",
    "SUITE_NAMES",
    "CheckFinished",
    "Event",
    "Failure",
    "Listener",
    "Profile",
    "Progress",
    "RegistryOptions",
    "Report",
    "Rule",
    "RunFinished",
    "RunOptions",
    "RunStarted",
    "Setting",
    "SkippedSuite",
    "Status",
    "SuiteConfigured",
    "SuiteFinished",
    "SuiteStarted",
    "Target",
    "TimeControl",
    "run_suite",
]
