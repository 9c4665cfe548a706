"""A bounded schemathesis run over the app's own OpenAPI, in process (WSGI, no server): a few positive and negative
examples per operation, a time cap; any 5xx fails. Runs on SQLite and on PostgreSQL (TEST_DATABASE_URL)."""
import os
import time

import pytest

from tests.conftest import PASSWORD

schemathesis = pytest.importorskip("schemathesis")
pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
TIME_CAP = float(os.environ.get("FUZZ_SECONDS", "150"))


def test_no_server_error_on_any_generated_request(app):
    from hypothesis import HealthCheck, Phase, given, settings
    from schemathesis.generation import GenerationMode

    client = app.test_client()
    token = client.post("/api/v1/security/login", json={"username": "admin", "password": PASSWORD,
                                                       "provider": "db"}).get_json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    spec = client.get("/api/v1/_openapi", headers=headers).get_json()
    schema = schemathesis.openapi.from_dict(spec)
    schema.app = app  # calls go straight to the WSGI app
    failures, calls = [], [0]
    started = time.monotonic()
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) > 50
    for operation in operations:
        if time.monotonic() - started > TIME_CAP:
            break
        if operation.path.startswith("/security/") or operation.method.upper() == "DELETE":
            continue  # logging out or deleting the seed would only make the later operations trivial
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                strategy = operation.as_strategy(generation_mode=mode)
            except Exception:
                continue

            @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                      phases=[Phase.explicit, Phase.generate],
                      suppress_health_check=list(HealthCheck))
            @given(case=strategy)
            def run(case):
                calls[0] += 1
                response = case.call(headers=headers)
                if response.status_code >= 500:
                    failures.append((operation.method.upper(), operation.path, case.path_parameters,
                                     case.query, str(case.body)[:200], response.status_code,
                                     response.text[:200]))

            try:
                run()
            except Exception as exc:  # an unsatisfiable schema is not a server error
                if "Unsatisfiable" not in type(exc).__name__ and "FailedHealthCheck" not in type(exc).__name__:
                    failures.append((operation.method.upper(), operation.path, "error", repr(exc)[:300]))
    print(f"schemathesis: {calls[0]} requests in {time.monotonic() - started:.0f} s")
    assert calls[0] > 100
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(map(repr, failures[:30]))
