"""Printed forms and exports, by area; `app.reports.registry.write_report` is the one entry
point for the GUI and the CLI. Shared page layout, fonts and xlsx helpers are in `core`."""
