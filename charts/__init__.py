"""Charts: (session, scope, filters) -> DataFrame aggregated in SQL, and DataFrame -> plotly Figure."""
