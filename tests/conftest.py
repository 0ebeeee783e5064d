import itertools
from pathlib import Path

import pytest

from bake import bake_into
from template_copy import copy_template


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "slow: installs and tests a baked project (deselect with -m 'not slow')"
    )


@pytest.fixture(scope="session")
def template_copy(tmp_path_factory) -> Path:
    """A clean copy of the template, made once per test session."""
    return copy_template(tmp_path_factory.mktemp("template"))


@pytest.fixture
def bake(template_copy, tmp_path):
    """bake(**extra_context) -> the generated project's Path, in a new folder of tmp_path."""
    counter = itertools.count()

    def bake(**extra_context) -> Path:
        output_dir = tmp_path / f"bake{next(counter)}"
        output_dir.mkdir()
        return bake_into(template_copy, output_dir, extra_context)

    return bake
