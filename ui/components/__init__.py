"""Pure render helpers and frame builders shared by the dashboard pages."""
