"""Reference data and deterministic demo data. Both go through the services, so they obey the same rules as
real data; every loader is idempotent (running it again adds nothing)."""

DEMO_RAYON = "41708203000000"  # Alamudun rayon, Chuy oblast: demo users work here and demo households exist here
