"""Packaging of the Coleman apps as ``django-coleman`` (the book's ch. 10 ``setup.py``).

Only the app library ``coleman`` is packaged, with each app's templates, static files,
migrations and protocol documents; the project (``ecommerce_book``, ``manage.py``, the site's
``templates/`` and ``static/``) is not. Install requirements are ranges: the project's
``requirements.txt`` pins the versions it is tested with.

    python -m build --no-isolation          # dist/django_coleman-<version>.tar.gz and -py3-none-any.whl
"""

import re
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).resolve().parent
VERSION = re.search(r'^__version__ = "([^"]+)"', (HERE / "coleman" / "__init__.py").read_text(), re.M).group(1)

setup(
    name="django-coleman",
    version=VERSION,
    description="Small reusable Django apps that together make a web store (after 'Django 1.2 e-commerce').",
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    author="The Coleman developers",
    license="BSD-3-Clause",
    url="https://example.invalid/coleman",
    packages=find_packages(include=["coleman", "coleman.*"]),
    # Templates, static files, protocol documents and the processors' guide, listed in
    # MANIFEST.in, ship inside the packages (migrations are packages and come along anyway).
    include_package_data=True,
    zip_safe=False,
    python_requires=">=3.11",
    install_requires=[
        "Django>=5.2,<6.0",
        "django-registration>=5.2",
        "django-countries>=7.6",
        "django-localflavor>=4.0",
        "django-tasks>=0.12",
        "django-tasks-db>=0.12",
        "lxml>=5",
        "requests>=2.31",
        # Stripe Checkout, one of the default processors (COLEMAN_PAYMENTS_PROCESSORS).
        "stripe>=16,<17",
        "pillow>=10",
    ],
    extras_require={
        "search": ["django-haystack>=3.3", "whoosh-reloaded>=2.7.5"],
        "xapian": ["django-haystack>=3.3", "xapian-haystack>=3.1"],
        "sphinx": ["PyMySQL>=1.1"],
        "postgres": ["psycopg[binary]>=3.1"],
        "reports": ["reportlab>=4"],
        "s3": ["django-storages[s3]>=1.14", "boto3>=1.34"],
        "rq": ["django-tasks-rq>=0.12", "django-rq>=3", "redis>=5"],
    },
    classifiers=[
        "Development Status :: 4 - Beta",
        "Environment :: Web Environment",
        "Framework :: Django",
        "Framework :: Django :: 5.2",
        "Intended Audience :: Developers",
        "Operating System :: OS Independent",
        "Programming Language :: Python",
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3 :: Only",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
        "Topic :: Internet :: WWW/HTTP :: Dynamic Content",
        "Topic :: Office/Business :: Financial :: Point-Of-Sale",
    ],
)
