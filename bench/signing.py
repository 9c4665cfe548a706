"""Benchmark of PDF signatures (app/signing.py): time to render, sign and verify a household-book certificate, and
to issue demo signing certificates. Prints numbers, asserts nothing.

    .venv/bin/python bench/signing.py [--runs 30]
"""
import argparse
import json
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _ms(samples):
    ordered = sorted(samples)
    return (f"median {statistics.median(ordered) * 1000:7.1f} ms   p90 {ordered[int(len(ordered) * 0.9) - 1] * 1000:7.1f}"
            f" ms   min {ordered[0] * 1000:7.1f} ms")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="sanarip-bench-signing-")
    os.environ["SANARIP_INSTANCE"] = folder
    from app import create_app

    app = create_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder}/bench.db", SECRET_KEY="bench-secret-key-32-bytes-long!!",
                     SERVER_NAME="localhost", RATELIMIT_ENABLED=False)
    with app.app_context():
        from app import clock, signing
        from app.cli import prepare_database, seed_demo_data
        from app.extensions import db
        from app.pdf import render_pdf
        from flask_babel import force_locale
        from models.household_book import Certificate
        from models.reference import Territory
        from views import certificates

        prepare_database(echo=lambda m: None)
        seed_demo_data(echo=lambda m: None)
        certificate = db.session.query(Certificate).filter_by(language="ky").first()
        with app.test_request_context():
            certificates.render(certificate)  # warm: imports, the stamp font
            render, sign, verify = [], [], []
            for _ in range(args.runs):
                start = time.perf_counter()
                pdf = certificates.render(certificate)
                render.append(time.perf_counter() - start)
            with force_locale(certificate.language):  # the same certificate without its signature
                unsigned = render_pdf("household_book/certificate.html", certificate=certificate,
                                      content=json.loads(certificate.content), members=[], title="t", birth_date="",
                                      issued_on="", valid_until="", qr=certificates.qr_data_uri("x"), check_url="x",
                                      current_language="ky")
            for _ in range(args.runs):
                start = time.perf_counter()
                signed = signing.sign_pdf(unsigned, certificate.signer, "bench", "bench", clock.now(), language="ky")
                sign.append(time.perf_counter() - start)
            for _ in range(args.runs):
                start = time.perf_counter()
                result = signing.verify_pdf(pdf)
                verify.append(time.perf_counter() - start)
            assert result.status == "valid"
        bodies = db.session.query(Territory).filter(Territory.kind == "aiyl_aimak").limit(50).all()
        start = time.perf_counter()
        for body in bodies:
            signing.issue_demo_certificate(db.session, body, clock.now())
        db.session.flush()
        issue = (time.perf_counter() - start) / len(bodies)
        db.session.rollback()
    print(f"certificate PDF, rendered + signed ({args.runs} runs): {_ms(render)}")
    print(f"signature only (PAdES-B-B, visible stamp):   {_ms(sign)}")
    print(f"verification of a signed certificate:        {_ms(verify)}")
    print(f"signed PDF size: {len(pdf) / 1024:.1f} KiB (unsigned {len(unsigned) / 1024:.1f} KiB + signature "
          f"{(len(signed) - len(unsigned)) / 1024:.1f} KiB)")
    print(f"demo signing certificate issued (key, X.509, PKCS#12 file, row): {issue * 1000:.1f} ms each")


if __name__ == "__main__":
    main()
