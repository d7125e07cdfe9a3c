"""JUnit XML: one testsuite per contract suite, one testcase per check, the rule id as failure type."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

from ..events import CheckFinished, Event, RunFinished, Setting, SuiteConfigured
from ..exchange import Secrets
from ..failures import Status
from .reproduction import describe, reproduction_steps


class JUnitReporter:
    def __init__(self, path: Path, secrets: Secrets | None = None) -> None:
        self._path = path
        self._secrets = secrets or Secrets()
        self._checks: dict[str, list[CheckFinished]] = defaultdict(list)
        self._configuration: dict[str, list[Setting]] = defaultdict(list)

    def handle(self, event: Event) -> None:
        if isinstance(event, SuiteConfigured):
            self._configuration[event.suite] += event.settings
            self._checks.setdefault(event.suite, [])  # the suite's testsuite carries them, checks or not
        elif isinstance(event, CheckFinished):
            self._checks[event.suite].append(event)
        elif isinstance(event, RunFinished):
            self._path.parent.mkdir(parents=True, exist_ok=True)
            ET.ElementTree(self.build(event)).write(self._path, encoding="utf-8", xml_declaration=True)

    def build(self, finished: RunFinished) -> ET.Element:
        root = ET.Element("testsuites", name="minbil-contracts", time=f"{finished.duration:.3f}")
        totals = {"tests": 0, "failures": 0, "skipped": 0}
        for suite, checks in self._checks.items():
            element = ET.SubElement(root, "testsuite", name=suite)
            self._properties(element, suite)
            counts = {
                "tests": len(checks),
                "failures": sum(1 for check in checks if check.status is Status.FAILED),
                "skipped": sum(1 for check in checks if check.status is Status.SKIPPED),
            }
            for key, value in counts.items():
                element.set(key, str(value))
                totals[key] += value
            element.set("errors", "0")
            element.set("time", f"{sum(check.duration for check in checks):.3f}")
            for check in checks:
                self._testcase(element, check)
        for skipped in finished.skipped_suites:
            # A suite that did not run is one skipped testcase, so CI shows it was not checked.
            element = ET.SubElement(
                root, "testsuite", name=skipped.suite, tests="1", failures="0", skipped="1", errors="0"
            )
            element.set("time", "0.000")
            case = ET.SubElement(
                element,
                "testcase",
                classname=f"contracts.{skipped.suite}",
                name="suite not run",
                time="0.000",
            )
            ET.SubElement(case, "skipped", message=skipped.reason)
            totals["tests"] += 1
            totals["skipped"] += 1
        for key, value in totals.items():
            root.set(key, str(value))
        root.set("errors", "0")
        return root

    def _properties(self, element: ET.Element, suite: str) -> None:
        """How the suite was set up, as testsuite properties: `setting` = `value — why`."""
        if not self._configuration[suite]:
            return
        properties = ET.SubElement(element, "properties")
        for setting in self._configuration[suite]:
            value = f"{setting.value} — {self._secrets.redact(setting.reason)}"
            ET.SubElement(properties, "property", name=setting.name, value=value)

    def _testcase(self, parent: ET.Element, check: CheckFinished) -> None:
        case = ET.SubElement(
            parent,
            "testcase",
            classname=f"contracts.{check.suite}",
            name=check.check,
            time=f"{check.duration:.3f}",
        )
        if check.status is Status.SKIPPED:
            ET.SubElement(case, "skipped", message=check.skip_reason or "")
        for failure in check.failures:
            element = ET.SubElement(
                case, "failure", type=failure.rule_id, message=self._secrets.redact(failure.message)[:500]
            )
            lines = [describe(failure), self._secrets.redact(failure.message)]
            steps = reproduction_steps(failure, self._secrets)
            if steps:
                lines += ["", "Reproduce:", *steps]
            element.text = "\n".join(lines)
