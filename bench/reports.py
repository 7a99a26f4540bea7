#!/usr/bin/env python
"""Report benchmark: each PDF (and the /reports/ page, the CSVs and a PNG chart) at 100,000
orders. Goal: every PDF under 2 s.

Runs Django in-process (test settings: DEBUG off) against a database of its own, filled once
(kept between runs) with 100,000 generated products and 100,000 orders of 1–4 lines over
the last 24 months (about 250,000 lines, most orders paid), and makes each report
``--runs`` times: wall median and maximum, this process's CPU median (with SQLite the
database works inside this process, so on a loaded machine it tells what an idle one would
take), queries, size. PDFs are written into a buffer exactly as
the views write them into the response.

    python bench/reports.py                           # SQLite in /tmp
    python bench/reports.py --orders 20000 --runs 3
    python bench/reports.py --database-url postgres://postgres@127.0.0.1:5432/coleman_bench_data
"""

import argparse
import io
import os

from data_setup import ensure_orders, ensure_products, setup_django, timed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = setup_django(args.database_url, "data")
    print(f"Products: {ensure_products(args.products):,} ({url.split('://')[0]})", flush=True)
    print(f"Orders: {ensure_orders(args.orders):,}", flush=True)

    from django.contrib.auth import get_user_model
    from django.test import Client

    from coleman.orders.models import ProductInOrder
    from coleman.reports.periods import ReportScopeForm
    from coleman.reports.reports import PDF_REPORTS

    print(f"Order lines: {ProductInOrder.objects.count():,}")
    staff, _created = get_user_model().objects.get_or_create(username="bench-staff", defaults={"is_staff": True})
    client = Client()
    client.force_login(staff)

    def scope(period):
        form = ReportScopeForm({"period": period})
        assert form.is_valid(), form.errors
        return form.scope()

    cases = []
    for name, period in [
        ("sales", "last-12-months"),
        ("sales", "last-year"),
        ("sales", "last-month"),
        ("inventory", "last-12-months"),
        ("deals", "last-12-months"),
    ]:
        _title, write = PDF_REPORTS[name]

        def make_pdf(write=write, period=period):
            buffer = io.BytesIO()
            write(buffer, scope(period))
            return buffer.getvalue()

        cases.append((f"PDF {name} ({period})", make_pdf))
    for label, path in [
        ("page /reports/ (last 12 months)", "/reports/"),
        ("CSV sales-by-month", "/reports/sales-by-month.csv"),
        ("CSV top-products", "/reports/top-products.csv"),
        ("CSV inventory (all products)", "/reports/inventory.csv"),
        ("PNG sales-by-category", "/reports/charts/sales-by-category.png"),
    ]:

        def fetch(path=path):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            return b"".join(response.streaming_content) if response.streaming else response.content

        cases.append((label, fetch))

    print("| report | median | max | CPU median | queries | bytes |\n|---|---:|---:|---:|---:|---:|")
    for label, function in cases:
        median, worst, queries, body, cpu = timed(function, args.runs)
        flag = "" if not label.startswith("PDF") or worst < 2 else " (over 2 s)"
        print(
            f"| {label} | {median * 1000:,.0f} ms | {worst * 1000:,.0f} ms{flag} | {cpu * 1000:,.0f} ms "
            f"| {queries} | {len(body):,} |"
        )
    print(f"Load average at the end: {os.getloadavg()[0]:.1f} (this machine has {os.cpu_count()} CPUs).")


if __name__ == "__main__":
    main()
