"""Answer formats of the API: JSON, XML and YAML (and the browsable API for staff)."""

from rest_framework import renderers
from rest_framework_xml.renderers import XMLRenderer
from rest_framework_yaml.encoders import SafeDumper
from rest_framework_yaml.renderers import YAMLRenderer as DrfYAMLRenderer


class YAMLDumper(SafeDumper):
    """djangorestframework-yaml's dumper, also for ``str`` subclasses such as DRF's
    ``ErrorDetail`` (error answers), which its dumper cannot represent."""


YAMLDumper.add_multi_representer(str, lambda dumper, text: dumper.represent_str(str(text)))


class YAMLRenderer(DrfYAMLRenderer):
    """YAML answers, error answers included."""

    encoder = YAMLDumper


RENDERERS = [renderers.JSONRenderer, XMLRenderer, YAMLRenderer]
