"""The mock's control API at /__mock: its own spec (control.yaml), handlers and representations."""
