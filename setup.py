"""Packaging of the Coleman apps as ``django-coleman`` (the project itself is not packaged)."""

from setuptools import find_packages, setup

setup(
    name="django-coleman",
    version="0.1.0",
    description="Small reusable Django apps that together make a web store (after 'Django 1.2 e-commerce').",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    license="BSD-3-Clause",
    packages=find_packages(include=["coleman", "coleman.*"]),
    include_package_data=True,
    package_data={"coleman": ["*/templates/**/*", "*/static/**/*", "*/templates/*/*", "*/static/*/*/*"]},
    python_requires=">=3.11",
    install_requires=[
        "Django>=5.2,<6.0",
        "django-registration>=5.2",
        "lxml>=5",
        "requests>=2.31",
        "pillow>=10",
    ],
    extras_require={
        "search": ["django-haystack>=3.3", "whoosh-reloaded>=2.7.5"],
        "reports": ["reportlab>=4"],
        "s3": ["django-storages[s3]>=1.14", "boto3>=1.34"],
    },
    classifiers=[
        "Framework :: Django",
        "Framework :: Django :: 5.2",
        "Programming Language :: Python :: 3",
    ],
)
