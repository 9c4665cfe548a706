"""Reference data and deterministic demo data. Both go through the services, so they obey the same rules as
real data; every loader is idempotent (running it again adds nothing)."""
