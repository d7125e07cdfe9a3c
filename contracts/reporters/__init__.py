"""Listeners that turn run events into something a person or a CI server reads."""

from .console import ConsoleReporter
from .junit import JUnitReporter
from .markdown import MarkdownReporter

__all__ = ["ConsoleReporter", "JUnitReporter", "MarkdownReporter"]
