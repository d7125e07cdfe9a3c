"""Spec-driven documentation for the MinBil CarOwner API, its registry fake and the mock's control API."""
